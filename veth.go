package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/nsdive/nsdive/actions"
)

func runVeth(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("veth")
	names := fs.String("names", "", "the ends' names, `IF_A,IF_B` (default: v- and a word for the other side)")
	master := fs.String("master", "", "enslave A's end to the bridge `BR` in A's namespace")
	del := fs.String("delete", "", "delete the veth `IF` and its peer")
	nsRef := fs.String("ns", "host", "with --delete: the namespace `REF` that IF is in")
	quiet := fs.BoolP("quiet", "q", false, "do not print the equivalent shell commands")
	usage := func(w io.Writer) {
		fmt.Fprintln(w, "Usage: nsdive veth A[:CIDR] B[:CIDR] [--names IF_A,IF_B] [--master BR]\n       nsdive veth --delete IF [--ns REF]\n\nLink two network namespaces with a veth pair: each of A and B is host\n(nsdive's own), a pid, a name under /run/netns or a namespace file, with an\naddress to give its end (blue:10.0.0.2/24). Both ends and loopback go up.\nLike ip link add IF_A type veth peer name IF_B netns B; ip addr add ...\n\nOptions:")
		printDefaults(w, fs)
	}
	if err := parseFlags(fs, args, stdout, usage); err != nil {
		return err
	}
	if *del != "" {
		if fs.NArg() > 0 {
			return usageError{fmt.Errorf("unexpected argument %s with --delete", quoteArg(fs.Arg(0)))}
		}
		ns, err := actions.ParseNetNS(*nsRef)
		if err != nil {
			return err
		}
		a, err := actions.DeleteVeth(ns, *del)
		if err != nil {
			return err
		}
		if err := runAction(a, *quiet, stderr); err != nil {
			return err
		}
		_, err = fmt.Fprintf(stdout, "deleted %s in %s and its peer\n", *del, ns)
		return err
	}
	if fs.NArg() != 2 {
		return usageError{fmt.Errorf("give two namespaces to link, like: nsdive veth host:10.0.0.1/24 blue:10.0.0.2/24")}
	}
	var ends [2]actions.VethEnd
	for i, arg := range fs.Args() {
		end, err := parseVethEnd(arg)
		if err != nil {
			return err
		}
		ends[i] = end
	}
	if *names != "" {
		a, b, ok := strings.Cut(*names, ",")
		if !ok || a == "" || b == "" {
			return usageError{fmt.Errorf("--names %s: give two names, IF_A,IF_B", quoteArg(*names))}
		}
		ends[0].Name, ends[1].Name = a, b
	}
	ends[0].Master = *master
	a, b, err := actions.PlanVeth(ends[0], ends[1])
	if err != nil {
		return err
	}
	act, err := actions.Veth(a, b)
	if err != nil {
		return err
	}
	if err := runAction(act, *quiet, stderr); err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "veth pair:\n  %s\n  %s\n", a, b)
	return err
}

// parseVethEnd reads NS[:CIDR]: the namespace up to the first ':', and an
// address after it.
func parseVethEnd(arg string) (actions.VethEnd, error) {
	ref, cidr, hasAddr := strings.Cut(arg, ":")
	var end actions.VethEnd
	if hasAddr {
		p, err := actions.ParseCIDR(cidr)
		if err != nil {
			return end, err
		}
		end.Addr = p
	}
	ns, err := actions.ParseNetNS(ref)
	if err != nil {
		return end, err
	}
	end.NS = ns
	return end, nil
}
