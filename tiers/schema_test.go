package tiers

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestReplyJSON(t *testing.T) {
	obj := `{"summary":"s","walkthrough":[],"risk":"low","labels":[]}`
	tests := []struct {
		name    string
		reply   Reply
		want    string // "" means an error is expected
		wantErr string
	}{
		{"tool input", Reply{ToolUse: &ToolUse{Input: json.RawMessage(obj)}}, obj, ""},
		{"tool input as a JSON string", Reply{ToolUse: &ToolUse{Input: json.RawMessage(jsonString(obj))}}, obj, ""},
		{"bare text", Reply{Text: obj}, obj, ""},
		{"json fence with prose", Reply{Text: "Sure!\n```json\n" + obj + "\n```\nDone."}, obj, ""},
		{"plain fence", Reply{Text: "```\n" + obj + "\n```"}, obj, ""},
		{"object inside prose", Reply{Text: "Result: " + obj + " hope it helps"}, obj, ""},
		{"no json", Reply{Text: "Looks good to me!"}, "", "no JSON object"},
		{"broken json", Reply{Text: `{"summary": "s",`}, "", "no JSON object"},
		{"truncated object", Reply{Text: `{"summary": "s", "risk": }`}, "", "invalid JSON"},
		{"tool input array", Reply{ToolUse: &ToolUse{Input: json.RawMessage(`[1]`)}}, "", "not a JSON object"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := replyJSON(&tt.reply)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || string(got) != tt.want {
				t.Errorf("got %s, %v; want %s", got, err, tt.want)
			}
		})
	}
}

func TestDecodeSummary(t *testing.T) {
	paths := map[string]bool{"a.go": true}
	tests := []struct {
		name        string
		raw         string
		wantErr     bool
		wantRisk    string
		wantWalk    int
		wantLabels  string
		wantDropped int
	}{
		{name: "valid", raw: `{"summary":"x","walkthrough":[{"path":"a.go","change":"c"}],"risk":"HIGH","labels":["Bug","bug","feature"]}`, wantRisk: "high", wantWalk: 1, wantLabels: "bug,feature"},
		{name: "bad items dropped one by one", raw: `{"summary":"x","walkthrough":[{"path":"","change":"c"},{"path":"zzz.go","change":"c"},{"path":"a.go","change":" "},7],"risk":"severe","labels":["<script>",3,"ok"]}`, wantLabels: "ok", wantDropped: 7},
		{name: "no summary text", raw: `{"summary":"  ","walkthrough":[]}`, wantErr: true},
		{name: "walkthrough not a list", raw: `{"summary":"x","walkthrough":"a.go"}`, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := decodeSummary(json.RawMessage(tt.raw), paths)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("decodeSummary = %+v, want an error", got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Summary.Risk != tt.wantRisk || len(got.Summary.Walkthrough) != tt.wantWalk ||
				strings.Join(got.Summary.Labels, ",") != tt.wantLabels || len(got.Dropped) != tt.wantDropped {
				t.Errorf("got %+v", got)
			}
		})
	}
}

func TestNormalizeFinding(t *testing.T) {
	base := Finding{Path: "a.go", Line: 5, Severity: "Major", Category: "BUG", Title: "t\nmore", Body: " b "}
	f, problems := normalizeFinding(base, map[string]bool{"a.go": true})
	if len(problems) != 0 || f.Side != "RIGHT" || f.Severity != "major" || f.Category != "bug" || f.Title != "t more" || f.Body != "b" {
		t.Errorf("normalized %+v, problems %v", f, problems)
	}
	tests := []struct {
		name   string
		change func(*Finding)
		want   string
	}{
		{"line zero", func(f *Finding) { f.Line = 0 }, "line 0 is not >= 1"},
		{"start after line", func(f *Finding) { f.StartLine = 9 }, "start_line 9"},
		{"bad side", func(f *Finding) { f.Side = "middle" }, `side "MIDDLE"`},
		{"bad category", func(f *Finding) { f.Category = "docs" }, `category "docs"`},
		{"empty title", func(f *Finding) { f.Title = " " }, "empty title"},
		{"empty body", func(f *Finding) { f.Body = "" }, "empty body"},
		{"empty path", func(f *Finding) { f.Path = "" }, "empty path"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := base
			tt.change(&f)
			_, problems := normalizeFinding(f, nil)
			if !strings.Contains(strings.Join(problems, ";"), tt.want) {
				t.Errorf("problems = %v, want %q", problems, tt.want)
			}
		})
	}
}

func TestDecodeReviewDropsLeftSuggestion(t *testing.T) {
	raw := `{"findings":[{"path":"a.go","line":3,"side":"LEFT","severity":"minor","category":"bug","title":"t","body":"b","suggestion":"x"}]}`
	got, err := decodeReview(json.RawMessage(raw), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Findings) != 1 || got.Findings[0].Suggestion != "" || len(got.Dropped) != 1 || !strings.Contains(got.Dropped[0].Reason, "RIGHT lines only") {
		t.Errorf("got %+v", got)
	}
}

func TestCheckImpact(t *testing.T) {
	known := []ImpactItem{{Symbol: "pkg.F", Locations: []string{"a.go:1", "b.go:2"}}}
	notes := []ImpactNote{
		{Symbol: "pkg.F", Summary: "ok", Locations: []string{"b.go:2"}},
		{Symbol: "pkg.F", Summary: "inherits", Locations: nil},
		{Symbol: "pkg.G", Summary: "invented", Locations: []string{"c.go:3"}},
		{Symbol: "pkg.H", Summary: "nowhere"},
		{Symbol: "", Summary: "no symbol", Locations: []string{"a.go:1"}},
	}
	kept, dropped := checkImpact(notes, known)
	if len(kept) != 2 || len(kept[1].Locations) != 2 || len(dropped) != 3 {
		t.Errorf("kept %+v dropped %+v", kept, dropped)
	}
}
