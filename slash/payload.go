package slash

// CommentPayload is the comment member of an issue_comment or
// pull_request_review_comment webhook payload, as the Action reads it
// from GITHUB_EVENT_PATH and the App from the delivery.
// https://docs.github.com/webhooks/webhook-events-and-payloads#issue_comment
type CommentPayload struct {
	ID                int64  `json:"id"`
	Body              string `json:"body"`
	AuthorAssociation string `json:"author_association"`
	// InReplyToID, Path and Line are set for review-thread comments.
	InReplyToID int64  `json:"in_reply_to_id"`
	Path        string `json:"path"`
	Line        int    `json:"line"`
	User        struct {
		Login string `json:"login"`
		Type  string `json:"type"`
	} `json:"user"`
}

// EditPayload is the changes member of an edited comment's payload.
type EditPayload struct {
	Body *struct {
		From string `json:"from"`
	} `json:"body"`
}

// PreviousBody is the body before the edit, "" when there is none.
func (e *EditPayload) PreviousBody() string {
	if e == nil || e.Body == nil {
		return ""
	}
	return e.Body.From
}
