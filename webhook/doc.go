// Package webhook is the GitHub App entry point (SPEC sections 1, 2, 3 and
// 5): it verifies webhook deliveries, records them in a durable River
// queue in the same transaction as the work they ask for, answers GitHub
// within milliseconds, and reviews pull requests from the queue through
// the shared runner, the GitHub publisher and one model engine.
//
// The flow of one delivery:
//
//	POST /webhook ─ size cap ─ X-Hub-Signature-256 ─ JSON ─ event handler
//	    (one file per event: pull_request.go, comment.go, installation.go,
//	    marketplace.go, ping.go) ─ plan of work ─ one transaction:
//	    delivery ID recorded (a redelivery stops here), older heads'
//	    jobs cancelled, review job inserted ─ commit ─ 202
//
// and of one review job (worker.go): installation still there, pull
// request not paused, head still current, auto_review allows it, plan and
// quota, then runner.ReviewPR; the job's outcome follows review.Kind
// through one table (retry upstream failures, never configuration ones;
// a superseded head is done).
package webhook
