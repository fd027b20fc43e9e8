package ui

import (
	"fmt"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// TestNetPageView draws the fixture's network at two terminal sizes, the
// selection on web's link.
func TestNetPageView(t *testing.T) {
	for _, size := range []struct{ w, h int }{{80, 24}, {200, 50}} {
		c := testCommon()
		c.world = netFixtureWorld()
		p := newNetPage(c, netWeb)
		p.SetSize(size.w, size.h)
		checkGolden(t, fmt.Sprintf("net-%dx%d", size.w, size.h), ansi.Strip(p.View())+"\n")
	}
}
