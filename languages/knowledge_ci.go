package languages

import (
	"path"
	"strings"
)

// GitHubActions is the language reviewbot gives GitHub Actions workflows
// and action metadata files. Linguist calls them YAML, which they are for
// everything but review: their mistakes (script injection, a token that can
// push, an action that can be swapped under a tag) are their own, and among
// the most security-sensitive lines of a pull request.
const GitHubActions = "GitHub Actions"

// ciLanguages are repository automation formats: the files that decide what
// runs with the repository's secrets and who must approve a change.
var ciLanguages = []Language{
	{
		// Facts behind the checks: GitHub's "Security hardening for GitHub
		// Actions" and "Script injections" docs (untrusted contexts such as
		// github.event.*.title/body and github.head_ref expand into the
		// script before the shell runs; a full-length commit SHA is the only
		// immutable reference to an action; the GITHUB_TOKEN's default
		// permissions may be read-write), and actions/checkout, which keeps
		// the token in .git/config unless persist-credentials is false.
		Name: GitHubActions, Base: "YAML", LineComment: "#",
		ReviewChecks: []string{
			"${{ }} of untrusted input (github.event.*, github.head_ref) in run: or script: (pass it via env:)",
			"pull_request_target or workflow_run jobs that check out and run the PR's code with secrets or a write token",
			"third-party actions pinned to a tag or branch rather than a full 40-character commit SHA",
			"no permissions: block (the default token may be read-write) or scopes broader than the job needs",
			"secrets echoed to logs, written to artifacts or caches, or passed to steps that run untrusted code",
			"actions/checkout without persist-credentials: false, leaving the token in .git/config for later steps",
		},
	},
	{
		// GitHub's "About code owners": the last matching pattern wins,
		// owners need write access, and gitignore's ! and [ ] are not
		// supported.
		Name: "CODEOWNERS", LineComment: "#",
		ReviewChecks: []string{
			"sensitive paths (workflows, auth, release and deploy config) losing their owners",
			"a later, broader pattern silently overriding a specific one (the last match wins)",
			"owners without write access, or misspelled users and teams, which GitHub ignores",
			"gitignore syntax GitHub does not support (! negation, [ ] ranges)",
		},
	},
}

// isGitHubActionsPath reports whether a YAML file is read by GitHub Actions:
// a workflow (the top level of .github/workflows, where GitHub looks; a
// nested one, as in a monorepo's package, is still written as a workflow),
// a workflow template of an organisation's .github repository, or an
// action's metadata file, which may sit in any directory (uses: ./path).
func isGitHubActionsPath(p string) bool {
	dir, base := path.Split(p)
	ext := path.Ext(base)
	if ext != ".yml" && ext != ".yaml" {
		return false
	}
	if base == "action.yml" || base == "action.yaml" {
		return true
	}
	dir = strings.TrimSuffix(dir, "/")
	return dir == ".github/workflows" || strings.HasSuffix(dir, "/.github/workflows") || dir == "workflow-templates"
}
