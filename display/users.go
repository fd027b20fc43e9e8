package display

import (
	"os/user"
	"strconv"
	"sync"
)

// Users names uids from the system's user database and remembers the
// answers, since a snapshot has thousands of processes and a handful of
// owners. It is safe for concurrent use.
type Users struct {
	mu    sync.Mutex
	names map[int]string
	// lookup returns the login name of uid, or false when it has none.
	lookup func(uid int) (string, bool)
}

// NewUsers returns an empty cache over the system's user database.
func NewUsers() *Users {
	return &Users{lookup: lookupUser}
}

// SystemUsers is the cache the CLI uses for its one run.
var SystemUsers = NewUsers()

// Name returns the login name of uid, or the number when it has none.
func (u *Users) Name(uid int) string {
	u.mu.Lock()
	defer u.mu.Unlock()
	if name, ok := u.names[uid]; ok {
		return name
	}
	name, ok := u.lookup(uid)
	if !ok {
		name = strconv.Itoa(uid)
	}
	if u.names == nil {
		u.names = make(map[int]string)
	}
	u.names[uid] = name
	return name
}

// Refresh forgets every name, so that users added, renamed or removed
// since show as they are now; a long-running program calls it before it
// renders a new snapshot.
func (u *Users) Refresh() {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.names = nil
}

func lookupUser(uid int) (string, bool) {
	u, err := user.LookupId(strconv.Itoa(uid))
	if err != nil {
		return "", false
	}
	return u.Username, true
}
