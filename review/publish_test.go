package review

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestStateMarkerRoundTrip(t *testing.T) {
	s := State{LastReviewed: "0123456789abcdef0123456789abcdef01234567", Paused: true, Dismissed: []string{"00ff00ff00ff00ff"}, Premium: []int64{1700000000}}
	body := "## summary\n\ntext with --> and <!-- inside\n" + s.Marker()
	got, ok := ParseState(body)
	if !ok || !reflect.DeepEqual(got, s) {
		t.Fatalf("ParseState = %+v, %v; want %+v", got, ok, s)
	}
	if _, ok := ParseState("<!-- reviewbot:state !!notbase64 -->"); ok {
		t.Error("a corrupt state marker must not parse")
	}
	if _, ok := ParseState("no marker"); ok {
		t.Error("a body without a marker has no state")
	}
}

func TestFingerprintsFindsEveryMarker(t *testing.T) {
	body := "x " + FindingMarker("0011223344556677") + "\n" + FindingMarker("8899aabbccddeeff") + " <!-- reviewbot:finding:short -->"
	got := Fingerprints(body)
	if len(got) != 2 || got[0] != "0011223344556677" || got[1] != "8899aabbccddeeff" {
		t.Fatalf("Fingerprints = %v", got)
	}
}

func TestSummaryBodyFitsWithState(t *testing.T) {
	r := newResult()
	r.Head = "abc"
	r.Summary = strings.Repeat("long line of summary text\n", 5000)
	body := SummaryBody(r, State{LastReviewed: "abc"})
	if len(body) > MaxCommentBody {
		t.Fatalf("summary body is %d bytes, over GitHub's %d", len(body), MaxCommentBody)
	}
	if s, ok := ParseState(body); !ok || s.LastReviewed != "abc" {
		t.Fatalf("the state marker must survive truncation: %+v %v", s, ok)
	}
	if !strings.HasPrefix(body, SummaryMarker) {
		t.Error("the summary marker must stay at the top")
	}
}

// fakePublisher records what Publish asks for; its fields decide answers.
type fakePublisher struct {
	head     string
	headErr  error
	reject   map[string]string // fingerprint -> reason
	posted   []Finding
	commit   string
	summary  string
	calls    []string
	postErr  error
	upsertOK bool
}

var _ Publisher = (*fakePublisher)(nil)

func (f *fakePublisher) Prior(context.Context) (*Prior, error) {
	return &Prior{Posted: map[string]bool{}}, nil
}

func (f *fakePublisher) HeadSHA(context.Context) (string, error) {
	f.calls = append(f.calls, "head")
	return f.head, f.headErr
}

func (f *fakePublisher) PostReview(_ context.Context, commit string, fs []Finding) ([]Rejected, error) {
	f.calls = append(f.calls, "review")
	f.commit = commit
	if f.postErr != nil {
		return nil, f.postErr
	}
	var rj []Rejected
	for _, x := range fs {
		if r, ok := f.reject[x.Fingerprint]; ok {
			rj = append(rj, Rejected{Finding: x, Reason: r})
			continue
		}
		f.posted = append(f.posted, x)
	}
	return rj, nil
}

func (f *fakePublisher) UpsertSummary(_ context.Context, body string) (string, error) {
	f.calls = append(f.calls, "summary")
	f.summary = body
	return "https://example.test/c/1", nil
}

func publishResult() *Result {
	r := newResult()
	r.Repo, r.Head, r.Tier = "o/r", "head1", "team"
	r.Findings = []Finding{
		{Path: "a.go", Line: 3, Side: "RIGHT", Severity: "major", Category: "bug", Title: "new", Body: "b", Anchor: "inline", Fingerprint: "1111111111111111"},
		{Path: "a.go", Line: 9, Side: "RIGHT", Severity: "minor", Category: "bug", Title: "old", Body: "b", Anchor: "inline", Fingerprint: "2222222222222222"},
		{Path: "a.go", Line: 12, Side: "RIGHT", Severity: "minor", Category: "bug", Title: "refused", Body: "b", Anchor: "inline", Fingerprint: "3333333333333333"},
		{Path: "b.go", Severity: "nit", Category: "style", Title: "in summary", Body: "b", Anchor: "summary", Fingerprint: "4444444444444444"},
	}
	return r
}

func TestPublishPostsNewFindingsAndMovesRefusedOnes(t *testing.T) {
	res := publishResult()
	pub := &fakePublisher{head: "head1", reject: map[string]string{"3333333333333333": "422 Line could not be resolved"}}
	prior := &Prior{Posted: map[string]bool{"2222222222222222": true}}
	out, err := Publish(context.Background(), pub, res, prior, nil)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(pub.calls, ",") != "head,review,summary" {
		t.Errorf("calls = %v: the head is checked first and the summary written last", pub.calls)
	}
	if pub.commit != "head1" {
		t.Errorf("review pinned to %q, want the head that was read", pub.commit)
	}
	if len(pub.posted) != 1 || pub.posted[0].Fingerprint != "1111111111111111" {
		t.Errorf("posted %+v: only the finding no earlier run posted, and not the summary-only one", pub.posted)
	}
	if out.Posted != 1 || out.Repeated != 1 || out.Moved != 1 {
		t.Errorf("published = %+v", out)
	}
	if res.Findings[2].Anchor != "summary" || !strings.Contains(res.Findings[2].AnchorReason, "Line could not be resolved") {
		t.Errorf("refused finding = %+v: it must move to the summary with GitHub's reason", res.Findings[2])
	}
	if !strings.Contains(pub.summary, "refused") || !strings.Contains(pub.summary, "Findings not posted inline") {
		t.Errorf("the summary must list the refused finding:\n%s", pub.summary)
	}
	if s, ok := ParseState(pub.summary); !ok || s.LastReviewed != "head1" {
		t.Errorf("summary state = %+v %v", s, ok)
	}
}

func TestPublishSupersededPostsNothing(t *testing.T) {
	pub := &fakePublisher{head: "head2"}
	_, err := Publish(context.Background(), pub, publishResult(), nil, nil)
	if KindOf(err) != KindSuperseded || !errors.Is(err, ErrSuperseded) {
		t.Fatalf("err = %v (kind %q), want superseded", err, KindOf(err))
	}
	if len(pub.calls) != 1 {
		t.Errorf("calls = %v: nothing may be posted for a stale head", pub.calls)
	}
}

func TestPublishReviewErrorKeepsSummaryUntouched(t *testing.T) {
	pub := &fakePublisher{head: "head1", postErr: errors.New("502 bad gateway")}
	_, err := Publish(context.Background(), pub, publishResult(), nil, nil)
	if err == nil || !strings.Contains(err.Error(), "502") {
		t.Fatalf("err = %v", err)
	}
	for _, c := range pub.calls {
		if c == "summary" {
			t.Error("a failed review must not be followed by a summary that looks complete")
		}
	}
}

func TestCheckOfIsTruthful(t *testing.T) {
	res := publishResult()
	res.Files = []FileEntry{{Path: "a.go", Reviewed: true}}
	for _, tc := range []struct {
		name   string
		res    *Result
		err    error
		failOn string
		want   string
	}{
		{"reviewed", res, nil, "", "success"},
		{"fail-on", res, nil, "major", "failure"},
		{"upstream", nil, errors.New("bedrock down"), "", "failure"},
		{"superseded", nil, &Error{Kind: KindSuperseded, Err: ErrSuperseded}, "", "cancelled"},
		{"nothing", newResult(), nil, "", "skipped"},
	} {
		if got := CheckOf(tc.res, tc.err, tc.failOn); got.Conclusion != tc.want {
			t.Errorf("%s: conclusion %q, want %q", tc.name, got.Conclusion, tc.want)
		}
	}
	partial := publishResult()
	partial.Files = res.Files
	partial.Skipped = []SkippedFile{{Path: "c.go", Reason: "not reviewed by the model: call failed"}}
	if got := CheckOf(partial, nil, ""); got.Conclusion != "neutral" {
		t.Errorf("partial review: %q, want neutral (never success)", got.Conclusion)
	}
}

func TestAnnotationCommandEscapes(t *testing.T) {
	f := Finding{Path: "dir/a,b:c.go", Line: 7, StartLine: 5, Side: "RIGHT", Severity: "critical", Title: "50% off, really: yes", Body: "line1\nline2 100%"}
	got := AnnotationCommand(f)
	want := "::error file=dir/a%2Cb%3Ac.go,line=5,endLine=7,title=[critical] 50%25 off%2C really%3A yes::line1%0Aline2 100%25"
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	left := AnnotationCommand(Finding{Path: "a.go", Line: 3, Side: "LEFT", Severity: "nit", Title: "t", Body: "b"})
	if strings.Contains(left, "line=") || !strings.HasPrefix(left, "::notice ") {
		t.Errorf("a LEFT finding has no head line to annotate: %s", left)
	}
}

func TestPublishKeepsStateAndDropsDismissed(t *testing.T) {
	res := publishResult()
	pub := &fakePublisher{head: "head1"}
	dismissed := res.Findings[0]
	prior := &Prior{Posted: map[string]bool{}, State: State{Paused: true, Dismissed: []string{DismissKey(dismissed.Path, dismissed.Category, dismissed.Title)}}}
	if _, err := Publish(context.Background(), pub, res, prior, nil); err != nil {
		t.Fatal(err)
	}
	for _, f := range pub.posted {
		if f.Fingerprint == dismissed.Fingerprint {
			t.Error("a dismissed finding was posted again")
		}
	}
	st, _ := ParseState(pub.summary)
	if !st.Paused || len(st.Dismissed) != 1 || st.LastReviewed != "head1" {
		t.Errorf("state = %+v: Publish keeps what earlier runs and commands recorded", st)
	}
	free := publishResult()
	free.Tier, free.Findings = "free", nil
	pub2 := &fakePublisher{head: "head1"}
	if _, err := Publish(context.Background(), pub2, free, &Prior{State: State{LastReviewed: "old"}}, nil); err != nil {
		t.Fatal(err)
	}
	if st, _ := ParseState(pub2.summary); st.LastReviewed != "old" {
		t.Errorf("a free-tier run moved the incremental start to %q", st.LastReviewed)
	}
}

func TestWithStateReplacesTheMarker(t *testing.T) {
	body := SummaryMarker + "\ntext\n" + State{LastReviewed: "a"}.Marker()
	got := WithState(body, State{LastReviewed: "a", Paused: true})
	if st, _ := ParseState(got); !st.Paused || strings.Count(got, "reviewbot:state") != 1 || !strings.Contains(got, "text") {
		t.Errorf("WithState = %q", got)
	}
}
