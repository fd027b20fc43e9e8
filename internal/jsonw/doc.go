// Package jsonw writes JSON in one pass, laid out as util-linux's tools lay
// it out (three-space indentation, members in the order given), for
// nsdive's lsns-shaped output and its snapshot schema alike.
//
// It replaced encoding/json on nsdive's hot path: building ordered Objects
// and writing them straight to a buffer costs a fraction of reflection.
// Strings are escaped as encoding/json escapes them, but <, > and & are
// left as they are, as lsns leaves them.
package jsonw
