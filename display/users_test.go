package display

import "testing"

func TestUsersCacheAndRefresh(t *testing.T) {
	db := map[int]string{0: "root"}
	calls := 0
	u := &Users{lookup: func(uid int) (string, bool) {
		calls++
		name, ok := db[uid]
		return name, ok
	}}
	if got := u.Name(0); got != "root" {
		t.Errorf("Name(0) = %q, want root", got)
	}
	if got := u.Name(1234); got != "1234" {
		t.Errorf("Name(1234) = %q, want the number", got)
	}
	db[0], db[1234] = "toor", "alice"
	if got := u.Name(0); got != "root" || calls != 2 {
		t.Errorf("Name(0) = %q after %d lookups, want the cached root after 2", got, calls)
	}
	u.Refresh()
	if got0, got1 := u.Name(0), u.Name(1234); got0 != "toor" || got1 != "alice" {
		t.Errorf("after Refresh: %q, %q; want toor, alice", got0, got1)
	}
}

func TestSystemUsersRoot(t *testing.T) {
	if got := NewUsers().Name(0); got != "root" {
		t.Errorf("uid 0 is %q, want root", got)
	}
}
