package ui

// scroller is a cursor over a list of total rows of which height show,
// from top: moving the cursor scrolls the window to keep it in view.
type scroller struct {
	total, height int
	cursor, top   int
}

// move moves the cursor by delta rows, within the list.
func (s *scroller) move(delta int) {
	s.cursor += delta
	s.clamp()
}

// fit shows height rows and keeps the cursor in view.
func (s *scroller) fit(height int) {
	s.height = max(height, 1)
	s.clamp()
}

// clamp puts the cursor back in the list and the window around it.
func (s *scroller) clamp() {
	s.cursor = min(max(s.cursor, 0), max(s.total-1, 0))
	if s.cursor < s.top {
		s.top = s.cursor
	}
	if s.cursor >= s.top+s.height {
		s.top = s.cursor - s.height + 1
	}
	s.top = max(min(s.top, s.total-s.height), 0)
}
