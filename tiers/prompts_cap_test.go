package tiers

import (
	"fmt"
	"strings"
	"testing"
)

func TestImpactPromptListsAtMostMaxPromptLocations(t *testing.T) {
	var locs []string
	for i := 1; i <= maxPromptLocations+5; i++ {
		locs = append(locs, fmt.Sprintf("a.go:%d", i))
	}
	items := impactItems([]ImpactItem{{Symbol: "pkg.F", Summary: "signature changed", Locations: locs}, {Symbol: "pkg.G", Locations: locs[:2]}})
	if len(items) != 2 {
		t.Fatalf("items = %d, want 2", len(items))
	}
	first := items[0].Text
	last := fmt.Sprintf("a.go:%d", maxPromptLocations)
	if !strings.Contains(first, last+" (and 5 more)") {
		t.Errorf("prompt item does not end with the %dth location and the count left out:\n%s", maxPromptLocations, first)
	}
	if strings.Contains(first, fmt.Sprintf("a.go:%d,", maxPromptLocations+1)) || strings.HasSuffix(first, fmt.Sprintf("a.go:%d", maxPromptLocations+5)) {
		t.Errorf("prompt item lists locations past the cap:\n%s", first)
	}
	if got := items[1].Text; !strings.HasSuffix(got, "locations: a.go:1, a.go:2") {
		t.Errorf("short list changed: %q", got)
	}
}
