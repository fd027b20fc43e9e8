package inspect

// A source is one way of finding namespaces and what keeps them alive. Scan
// runs the sources its options ask for, in order; each adds to the snapshot
// the namespaces it finds, with their member processes or holders, and a
// later source may rely on what the earlier ones found (the mount source
// reads mount tables through the member processes the first one found).
//
// Every source today reads /proc: the namespace links of every task (and
// their *_for_children links), the nsfs bind mounts in every mount
// namespace's mountinfo, and the open descriptors and sockets of every
// process. A namespace that none of them shows (one held by a kernel
// object, or by a descriptor in a process the scanner may not read) stays
// unseen. The kernel's listns() system call (Linux 6.19 and later; not on
// the kernels this runs on today) lists namespaces directly, by their
// 64-bit namespace id: it fits here as one more source, run after the
// others where the kernel has it, adding the namespaces they missed
// (opened by their nsfs file handle to learn the inode) with no holder but
// "the kernel says it exists".
//
// The process pass opens each process's /proc directory once: a source
// that needs something of every process (a mount table, its descriptors)
// reads it then, through that directory, in visit, so that no second pass
// opens it again and a reused pid cannot mix two processes; find then adds
// what the visits gathered.
type source struct {
	// visit, when set, reads what the source needs of process p through
	// its /proc directory dirfd. The workers of the process pass call it,
	// each with its own w.
	visit func(sc *scanner, w *scanWorker, dirfd int, p *Process)
	// carry, when set, adds to w instead what visit found of a process
	// the last scan read and that has not run since (see reuse.go).
	carry func(sc *scanner, w *scanWorker, rec *processRecord)
	// find adds to snap what the source found; sources run in order.
	find func(sc *scanner, snap *Snapshot) error
}

// sources returns the sources the scanner's options ask for, in the order
// they must run. Only the first can fail (when /proc cannot be listed):
// the others count what they cannot read and go on.
func (sc *scanner) sources() []source {
	srcs := []source{{find: (*scanner).findProcesses}}
	if sc.opts.BindMounts || sc.opts.Mounts {
		srcs = append(srcs, source{visit: (*scanner).visitMountTable, find: (*scanner).findBindMounts})
	}
	if sc.opts.FDs {
		srcs = append(srcs, source{visit: (*scanner).visitFDs, carry: (*scanner).carryFDs, find: (*scanner).findDescriptors})
	}
	return srcs
}
