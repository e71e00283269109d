// Package tiers chooses and calls the models that write a review.
//
// A review run hands the package an Input (the PR's files with numbered
// patches, repository instructions, codebase context and static impact)
// and a Tier. Free asks the cheap model for a summary, a per-file
// walkthrough, a risk level and labels through the submit_summary tool;
// Team adds the premium model's line-level findings and impact narrative
// through submit_review, both concurrently. Route picks a tier for Auto
// from measured Signals and says why.
//
// Two providers implement the small Model interface: Amazon Bedrock through
// the Converse API of the AWS SDK, and any OpenAI-compatible chat endpoint.
// A model table (models.go) says what each model can take: context window,
// output limit, tool use, forced tool choice and prompt caching. From it the
// planner (plan.go) splits large PRs into file groups that fit one call,
// starting every call with the same shared prefix that ends in a cache
// point, and lists whatever it cannot send. Plan shows all of that without
// a network call; Engine.Run sends it, retries through the SDK's retryer,
// repairs an unusable answer once, falls back to a second model, validates
// every item on its own and prices the usage (prices.go).
package tiers
