// Package webhook will hold the GitHub App entry point: webhook signature
// verification, the durable job queue, one handler per event and the pure
// slash-command parser (SPEC sections 5 and 6). It has no code yet; `serve`
// reports that it is not available in this build.
package webhook
