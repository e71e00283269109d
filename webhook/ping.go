package webhook

// Ping answers GitHub's ping, sent when the webhook is created or
// tested; the delivery's signature was checked like any other, so a pong
// also proves the secret is right.
type Ping struct{}

var _ EventHandler = Ping{}

// Plan implements EventHandler.
func (Ping) Plan(d *Delivery) (Plan, error) {
	var ev struct {
		Zen    string `json:"zen"`
		HookID int64  `json:"hook_id"`
	}
	if err := decode(d, &ev); err != nil {
		return Plan{}, err
	}
	return Plan{Outcome: "pong", Message: "pong: the webhook secret matches"}, nil
}
