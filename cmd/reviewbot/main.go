// Command reviewbot is an AI pull-request reviewer: a GitHub App server, a
// GitHub Action and a local CLI over one review pipeline. See SPEC section 1
// for the subcommands; main only wires flags and environment to the
// packages that do the work.
package main

import (
	"context"

	"errors"
	"fmt"
	"github.com/reviewbot/reviewbot/action"
	"github.com/reviewbot/reviewbot/review"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
)

// Set by the linker: -ldflags "-X main.version=v1.2.3 -X main.commit=abc".
var (
	version = "dev"
	commit  = ""
)

// Exit codes of SPEC section 1.
const (
	exitOK       = 0
	exitFindings = 1
	exitUsage    = 2
	exitUpstream = 3
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// usagef is a problem with how reviewbot was called: exit code 2.
func usagef(format string, args ...any) error {
	return review.Errorf(review.KindUsage, format, args...)
}

const usageText = `reviewbot: AI pull-request reviews

Usage:
  reviewbot review [--repo DIR] [--base REF] [--head REF] [--tier free|team|auto]
                   [--format text|markdown|json] [--dry-run] [--fail-on SEVERITY]
  reviewbot action     GitHub Action entrypoint (runs inside a workflow)
  reviewbot serve      GitHub App server: webhooks, durable queue, reviews
  reviewbot plan set <installation-id> free|team | plan list
                       the plans serve applies to installations
  reviewbot eval --corpus FILE [--dry-run] [--format text|markdown|json] [--judge MODEL] ...
                       score a reviewer on a labelled corpus (SPEC section 8)
  reviewbot version    print version, commit and Go version
  reviewbot help [subcommand]

Run "reviewbot review --dry-run" in any git repository to see what a review
would look at, with no credentials and no model calls.
`

const actionUsage = `reviewbot action: the GitHub Action entrypoint

Runs inside a GitHub Actions job (see action.yml and the README's workflows).
It reads GITHUB_EVENT_NAME, GITHUB_EVENT_PATH, GITHUB_REPOSITORY,
GITHUB_API_URL, GITHUB_WORKSPACE, GITHUB_STEP_SUMMARY and GITHUB_OUTPUT, and
the inputs as INPUT_* variables: github-token (else GITHUB_TOKEN), tier,
cheap-model, premium-model, provider, openai-base-url, openai-api-key,
aws-region, config-path, fail-on, max-comments.

Exit codes: 0 done (also a read-only or fork run, reported in the job
summary and annotations); 1 findings at or above fail-on; 2 usage or
configuration error; 3 a GitHub or model failure that survived retries.
`

// help is `reviewbot help [subcommand]`: usage on stdout, exit 0.
func help(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stdout, usageText)
		return exitOK
	}
	switch args[0] {
	case "review":
		reviewFlags(stdout).Usage()
	case "action":
		fmt.Fprint(stdout, actionUsage)
	case "serve":
		fmt.Fprint(stdout, serveUsage)
	case "plan":
		fmt.Fprint(stdout, planUsage)
	case "eval":
		evalFlags(stdout).Usage()
	case "version":
		fmt.Fprintln(stdout, "reviewbot version: print version, commit and Go version")
	case "help":
		fmt.Fprint(stdout, usageText)
	default:
		return exitCode(usagef("no help for %q: it is not a subcommand of this build; run reviewbot help", args[0]), stderr)
	}
	return exitOK
}

// helpAsked reports whether args ask for help.
func helpAsked(args []string) bool {
	for _, a := range args {
		if a == "-h" || a == "--help" || a == "-help" {
			return true
		}
	}
	return false
}

// run is the whole program behind main, testable end to end.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usageText)
		return exitUsage
	}
	var err error
	switch args[0] {
	case "review":
		if helpAsked(args[1:]) {
			reviewFlags(stdout).Usage()
			return exitOK
		}
		return exitCode(runReview(ctx, args[1:], getenv, stdout, stderr), stderr)
	case "version", "--version", "-version":
		printVersion(stdout)
		return exitOK
	case "help", "-h", "--help":
		return help(args[1:], stdout, stderr)
	case "action":
		if helpAsked(args[1:]) {
			fmt.Fprint(stdout, actionUsage)
			return exitOK
		}
		return exitCode(action.Run(ctx, action.Env{Getenv: getenv, Stdout: stdout, Stderr: stderr}), stderr)
	case "eval":
		if helpAsked(args[1:]) {
			evalFlags(stdout).Usage()
			return exitOK
		}
		return exitCode(runEval(ctx, args[1:], getenv, stdout, stderr), stderr)
	case "serve":
		return exitCode(runServe(ctx, args[1:], getenv, stdout, stderr), stderr)
	case "plan":
		return exitCode(runPlan(ctx, args[1:], getenv, stdout), stderr)
	default:
		err = usagef("unknown subcommand %q; run reviewbot help", args[0])
	}
	return exitCode(err, stderr)
}

// exitCodes is the one table from error kinds to SPEC section 1's exit
// codes. A superseded run posted nothing stale and a newer run reviews
// the newer head, so it is not a failure.
var exitCodes = map[review.Kind]int{
	review.KindUsage:      exitUsage,
	review.KindConfig:     exitUsage,
	review.KindUpstream:   exitUpstream,
	review.KindSuperseded: exitOK,
}

// exitCode maps an error to SPEC's exit codes and prints it.
func exitCode(err error, stderr io.Writer) int {
	if err == nil {
		return exitOK
	}
	var fe *findingsError
	var afe *action.FindingsError
	switch {
	case errors.As(err, &fe), errors.As(err, &afe):
		fmt.Fprintf(stderr, "reviewbot: %v\n", err)
		return exitFindings
	case review.Canceled(err):
		fmt.Fprintln(stderr, "reviewbot: interrupted")
		return exitUpstream
	}
	kind := review.KindOf(err)
	if kind == review.KindSuperseded {
		fmt.Fprintf(stderr, "reviewbot: notice: %v\n", err)
	} else {
		fmt.Fprintf(stderr, "reviewbot: %v\n", err)
	}
	return exitCodes[kind]
}

func printVersion(w io.Writer) {
	c, goVersion := commit, "unknown"
	if bi, ok := debug.ReadBuildInfo(); ok {
		goVersion = bi.GoVersion
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && c == "" {
				c = s.Value
			}
		}
	}
	fmt.Fprintf(w, "reviewbot %s\ncommit %s\n%s\n", version, orUnknown(c), goVersion)
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}
