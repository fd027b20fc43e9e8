package display

import (
	"fmt"
	"slices"

	"github.com/nsdive/nsdive/inspect"
)

// Relation says how rows nest in a tree, as lsns's --tree.
type Relation string

// The relations rows can nest by; Flat does not nest them.
const (
	Flat      Relation = ""
	ByOwner   Relation = "owner"   // under the owning user namespace
	ByParent  Relation = "parent"  // under the parent pid or user namespace
	ByProcess Relation = "process" // under the row of the representative's parent process
)

// Relations are the relations lsns's --tree accepts.
var Relations = []Relation{ByParent, ByOwner, ByProcess}

// ParseRelation returns the relation named s ("owner", "parent",
// "process"); the empty string is Flat.
func ParseRelation(s string) (Relation, error) {
	switch r := Relation(s); r {
	case Flat, ByOwner, ByParent, ByProcess:
		return r, nil
	}
	return Flat, fmt.Errorf("unknown tree relation %q (want parent, owner or process)", s)
}

// TreeColumn is the column that carries a tree's branches: the command
// for ByProcess, as lsns draws it, and the namespace otherwise.
func (r Relation) TreeColumn() string {
	if r == ByProcess {
		return "COMMAND"
	}
	return "NS"
}

// Nesting returns how lsns nests rows: by the relation asked for, else by
// process unless flat (-l, or --output-all) is asked for; and flat when
// the relation's tree column is not shown, since lsns then has nowhere to
// draw the tree.
func Nesting(asked Relation, flat bool, cols []string) Relation {
	r := asked
	if r == Flat && !flat {
		r = ByProcess
	}
	if r == Flat || !slices.Contains(cols, r.TreeColumn()) {
		return Flat
	}
	return r
}

// Node is a row of a tree with the rows nested under it.
type Node struct {
	Row      int // index into the rows the tree was built from
	Children []*Node
}

// Tree nests rows as lsns -T does, keeping their order among siblings:
// under the row of the owner or parent namespace, or under the latest
// earlier row whose representative is the parent process. A row with no
// such row above it is a root. Flat makes every row a root.
func Tree(rows []*Row, relation Relation) []*Node {
	nodes := make([]*Node, len(rows))
	byNS := make(map[inspect.NamespaceID]*Node, len(rows))
	lastOfPID := make(map[int]*Node)
	var roots []*Node
	for i, r := range rows {
		nodes[i] = &Node{Row: i}
		byNS[r.NS.ID] = nodes[i]
	}
	for i, r := range rows {
		var parent *Node
		switch relation {
		case ByOwner:
			parent = byNS[r.NS.Owner]
		case ByParent:
			parent = byNS[r.NS.Parent]
		case ByProcess:
			if r.Rep != nil {
				parent = lastOfPID[r.Rep.PPID]
				lastOfPID[r.Rep.PID] = nodes[i]
			}
		}
		if parent == nil || parent == nodes[i] {
			roots = append(roots, nodes[i])
		} else {
			parent.Children = append(parent.Children, nodes[i])
		}
	}
	return roots
}
