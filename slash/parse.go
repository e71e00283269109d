// Package slash is reviewbot's conversation layer in pull request threads
// (SPEC section 6): a pure parser for slash commands, the authorization
// rules, and the commands themselves, shared by the GitHub App and the
// Action. Comment text is untrusted: it selects a command, nothing more.
package slash

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/reviewbot/reviewbot/review"
)

// Names of the commands of SPEC section 6.
const (
	CmdReview  = "review"
	CmdSummary = "summary"
	CmdAsk     = "ask"
	CmdImpact  = "impact"
	CmdPause   = "pause"
	CmdResume  = "resume"
	CmdConfig  = "config"
	CmdHelp    = "help"
)

// commands lists each command with its one-line help and whether it needs
// write access (it spends model tokens or changes the PR's state).
var commands = []struct {
	name, usage, help string
	restricted        bool
}{
	{CmdReview, "review [full]", "review the changes since the last reviewed commit (`full`: the whole pull request)", true},
	{CmdSummary, "summary", "rewrite the summary with the cheap tier", true},
	{CmdAsk, "ask <question>", "answer a question about this pull request, with codebase context (in a review thread: about that line)", true},
	{CmdImpact, "impact", "list the code outside this pull request that its changes may break", true},
	{CmdPause, "pause", "stop automatic reviews on this pull request", true},
	{CmdResume, "resume", "restart automatic reviews on this pull request", true},
	{CmdConfig, "config", "show the effective configuration and where each value came from", false},
	{CmdHelp, "help", "list these commands", false},
}

// Command is a parsed request.
type Command struct {
	Name string
	// Args is the text after the command name, trimmed; for ask it may
	// span several lines.
	Args string
}

// Full reports `review full`.
func (c Command) Full() bool {
	return c.Name == CmdReview && strings.EqualFold(strings.TrimSpace(c.Args), "full")
}

// Restricted reports whether the command needs write access.
func (c Command) Restricted() bool {
	for _, k := range commands {
		if k.name == c.Name {
			return k.restricted
		}
	}
	return true
}

// Parsed is the parser's verdict on one comment: exactly one of Command
// (run it), Reply (answer with this text, run nothing) or Ignore.
type Parsed struct {
	Command *Command
	Reply   string
	Ignore  bool
}

// nameRE is a command word: letters only, so that a path such as
// "/usr/bin/env is missing" is not read as a command.
var nameRE = regexp.MustCompile(`^[A-Za-z]+$`)

// Parse reads a comment body. A command is `/<command> args` or
// `@<appSlug> <command> args` at the start of the comment (leading blank
// lines and spaces allowed), any case. A comment that starts with a quoted
// reply (`>`) or a code fence holds no command: quoting someone's
// "/review" must not run it. Examples:
//
//	"/review"                     → review
//	"/REVIEW full"                → review, args "full"
//	"@reviewbot ask why is x nil?" → ask, args "why is x nil?" (appSlug "reviewbot")
//	"/ask what does\nthis do?"    → ask, args "what does\nthis do?"
//	"> /review\nagreed"           → ignore (a quote)
//	"```\n/review\n```"           → ignore (code)
//	"/usr/bin/env is gone"        → ignore (not a command word)
//	"/lgtm"                       → ignore (another bot's command)
//	"/reveiw"                     → reply: unknown command, did you mean review?
//	"@reviewbot dance"            → reply: unknown command, with the help
//	"please /review"              → ignore (not at the start)
//
// Parse does no I/O; authorization is a separate step.
func Parse(body, appSlug string) Parsed {
	text := strings.TrimLeft(strings.ReplaceAll(body, "\r\n", "\n"), " \t\n")
	if text == "" || strings.HasPrefix(text, ">") || strings.HasPrefix(text, "```") || strings.HasPrefix(text, "~~~") {
		return Parsed{Ignore: true}
	}
	addressed := false
	var rest string
	switch {
	case strings.HasPrefix(text, "/"):
		rest = text[1:]
	case appSlug != "" && hasPrefixFold(text, "@"+appSlug) && len(text) > len(appSlug)+1 && isSpace(text[len(appSlug)+1]):
		rest = strings.TrimLeft(text[len(appSlug)+1:], " \t")
		addressed = true
	default:
		return Parsed{Ignore: true}
	}
	word, args := rest, ""
	if i := strings.IndexAny(rest, " \t\n"); i >= 0 {
		word, args = rest[:i], strings.TrimSpace(rest[i+1:])
	}
	if !nameRE.MatchString(word) {
		if addressed {
			return Parsed{Reply: unknownReply(word)}
		}
		return Parsed{Ignore: true}
	}
	name := strings.ToLower(word)
	for _, k := range commands {
		if k.name == name {
			if name == CmdAsk && args == "" {
				return Parsed{Reply: "`ask` needs a question, for example `/ask what happens when the list is empty?`"}
			}
			return Parsed{Command: &Command{Name: name, Args: args}}
		}
	}
	// Another bot's command (/lgtm, /assign) is not ours to answer; only
	// a near miss of one of ours, or a command addressed to us, gets help.
	if addressed || suggest(name) != "" {
		return Parsed{Reply: unknownReply(word)}
	}
	return Parsed{Ignore: true}
}

func isSpace(b byte) bool { return b == ' ' || b == '\t' || b == '\n' }

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

func unknownReply(word string) string {
	msg := fmt.Sprintf("I don't know the command `%s`.", strings.ReplaceAll(word, "`", "'"))
	if s := suggest(strings.ToLower(word)); s != "" {
		msg += fmt.Sprintf(" Did you mean `/%s`?", s)
	}
	return msg + "\n\n" + Help()
}

// suggest returns the command within edit distance 2 of word, if any.
func suggest(word string) string {
	best, bestD := "", 3
	for _, k := range commands {
		if d := review.EditDistance(word, k.name); d < bestD {
			best, bestD = k.name, d
		}
	}
	if len(word) <= 2 && bestD > 0 {
		return "" // "/a" is not a near miss of anything
	}
	return best
}

// Help is the command list in markdown.
func Help() string {
	var b strings.Builder
	b.WriteString("**reviewbot commands** (start a comment with one; `@reviewbot <command>` works too):\n\n| command | what it does |\n|---|---|\n")
	for _, k := range commands {
		fmt.Fprintf(&b, "| `/%s` | %s |\n", k.usage, k.help)
	}
	b.WriteString("\nCommands that spend model tokens or change this pull request need write access to the repository.")
	return b.String()
}

// Disposition is what a reply to one of reviewbot's inline comments says
// about the finding.
type Disposition int

// Dispositions of a reply in a finding's thread.
const (
	// Discuss: a question or a disagreement; reviewbot answers in the
	// thread.
	Discuss Disposition = iota
	// Dismiss: resolved, a false positive, or won't fix; the finding is
	// not raised again on later pushes.
	Dismiss
)

// dismissRE matches a reply that closes a finding. It is anchored to the
// start of the reply so that "why is this a false positive?" is a question,
// not a dismissal.
var dismissRE = regexp.MustCompile(`(?i)^\s*(resolved|fixed|done|false positive|not an issue|won'?t fix|wontfix|by design|intended|ignore( this)?|dismiss(ed)?)\b`)

// Classify reads a reply in the thread of one of reviewbot's findings.
func Classify(reply string) Disposition {
	t := strings.TrimSpace(reply)
	if dismissRE.MatchString(t) && !strings.Contains(firstLine(t), "?") {
		return Dismiss
	}
	return Discuss
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
