package review

import "fmt"

// focusFiles narrows the PR's files to what an incremental review covers:
// the hunks of the PR diff that the commits since the last review touched.
// since is the diff from the last reviewed commit to the head, so its new
// line numbers are the head's, as are the PR diff's RIGHT lines. Findings
// must still anchor on the PR diff (GitHub accepts comments only there),
// which is why the hunks come from the PR diff and not from since.
func focusFiles(kept []ReviewFile, since *Diff) ([]ReviewFile, string) {
	focus := []ReviewFile{}
	reverted := 0
	for _, f := range kept {
		sf := since.File(f.Path())
		if sf == nil || f.NewPath == "" {
			continue
		}
		touched := touchedHeadLines(sf)
		var hunks []Hunk
		for _, h := range f.Hunks {
			lo, hi := h.NewStart, h.NewStart+h.NewLines-1
			if h.NewLines == 0 {
				hi = lo
			}
			for _, l := range touched {
				if l >= lo && l <= hi {
					hunks = append(hunks, h)
					break
				}
			}
		}
		if len(hunks) == 0 {
			// The file changed since the last review, but only back
			// towards the base: nothing new in the PR diff to look at.
			reverted++
			continue
		}
		fd := *f.FileDiff
		fd.Hunks = hunks
		fd.Additions, fd.Deletions = countChanges(hunks)
		rf := f
		rf.FileDiff = &fd
		focus = append(focus, rf)
	}
	note := fmt.Sprintf("incremental review: findings cover the %d of %d reviewed file(s) changed since the last reviewed commit (only their hunks that changed); the summary describes the whole pull request", len(focus), len(kept))
	if reverted > 0 {
		note += fmt.Sprintf("; %d file(s) changed since then only back towards the base", reverted)
	}
	return focus, note
}

// touchedHeadLines lists the head lines a diff to the head changed: every
// added line, and for a deletion the head line where the removed text was.
func touchedHeadLines(f *FileDiff) []int {
	var out []int
	for _, h := range f.Hunks {
		next := h.NewStart
		for _, l := range h.Lines {
			switch l.Kind {
			case LineAdded:
				out = append(out, l.NewLine)
				next = l.NewLine + 1
			case LineDeleted:
				out = append(out, max(next, 1))
			default:
				next = l.NewLine + 1
			}
		}
	}
	return out
}
