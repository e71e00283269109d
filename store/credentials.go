package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"
)

// AppCredentials is the GitHub App that setup mode registered through
// GitHub's manifest flow: what `POST /app-manifests/{code}/conversions`
// returned, kept so that serve runs as that App from then on, across
// restarts and on every replica sharing the database.
type AppCredentials struct {
	AppID   int64
	Slug    string
	Name    string
	Owner   string // the account that owns the App registration
	HTMLURL string // the App's page on GitHub
	// ClientID is public; ClientSecret, WebhookSecret and PrivateKey
	// (PEM) are secrets, stored sealed when a Sealer is configured.
	ClientID      string
	ClientSecret  []byte
	WebhookSecret []byte
	PrivateKey    []byte
	Created       time.Time
	// Sealed reports whether the stored secrets are encrypted (set by
	// LoadApp).
	Sealed bool
}

// ErrAppExists is returned by SaveApp when an App is stored already: the
// first setup to finish wins, on whichever replica it ran.
var ErrAppExists = errors.New("a GitHub App is configured already")

// The secret columns, which are also the GCM additional data.
const (
	colClientSecret  = "client_secret"
	colWebhookSecret = "webhook_secret"
	colPrivateKey    = "private_key"
)

// SaveApp stores the App registered by setup mode, sealing its secrets
// with s (nil: stored as they are). It never replaces a stored App.
// With SQLite it also makes the database file readable by its owner
// only, since the file now holds the App's private key.
func (db *DB) SaveApp(ctx context.Context, c AppCredentials, s *Sealer) error {
	sealed, err := sealSecrets(c, s)
	if err != nil {
		return err
	}
	if c.Created.IsZero() {
		c.Created = time.Now()
	}
	n, err := db.Exec(ctx, `INSERT INTO reviewbot_app (id, app_id, slug, name, owner, html_url, client_id, client_secret, webhook_secret, private_key, created_ms)
		VALUES (1, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (id) DO NOTHING`,
		c.AppID, c.Slug, c.Name, c.Owner, c.HTMLURL, c.ClientID, sealed[0], sealed[1], sealed[2], c.Created.UnixMilli())
	if err != nil {
		return fmt.Errorf("store the App credentials: %w", err)
	}
	if n == 0 {
		return ErrAppExists
	}
	db.restrictFile()
	return nil
}

// restrictFile makes a SQLite database and its journal files 0600. A
// failure is not fatal (the file may belong to another user on purpose);
// the docs tell the operator to protect the database.
func (db *DB) restrictFile() {
	if db.Dialect != SQLite || db.Path == "" {
		return
	}
	for _, p := range []string{db.Path, db.Path + "-wal", db.Path + "-shm"} {
		os.Chmod(p, 0o600)
	}
}

// LoadApp reads the stored App; ErrNotFound when setup has not run.
func (db *DB) LoadApp(ctx context.Context, s *Sealer) (AppCredentials, error) {
	var c AppCredentials
	var stored [3]string
	var created int64
	err := db.QueryRow(ctx, `SELECT app_id, slug, name, owner, html_url, client_id, client_secret, webhook_secret, private_key, created_ms
		FROM reviewbot_app WHERE id = 1`).Scan(&c.AppID, &c.Slug, &c.Name, &c.Owner, &c.HTMLURL, &c.ClientID, &stored[0], &stored[1], &stored[2], &created)
	if err != nil {
		return c, err
	}
	c.Created = time.UnixMilli(created)
	dst := []*[]byte{&c.ClientSecret, &c.WebhookSecret, &c.PrivateKey}
	for i, col := range []string{colClientSecret, colWebhookSecret, colPrivateKey} {
		b, sealed, err := s.open(stored[i], col)
		if err != nil {
			return AppCredentials{}, fmt.Errorf("read the stored App credentials: %w", err)
		}
		*dst[i] = b
		c.Sealed = c.Sealed || sealed
	}
	return c, nil
}

// SealApp re-stores the App's secrets sealed with s: for an App stored
// before REVIEWBOT_ENCRYPTION_KEY was set.
func (db *DB) SealApp(ctx context.Context, c AppCredentials, s *Sealer) error {
	if s == nil {
		return errors.New("no encryption key")
	}
	sealed, err := sealSecrets(c, s)
	if err != nil {
		return err
	}
	_, err = db.Exec(ctx, `UPDATE reviewbot_app SET client_secret = $1, webhook_secret = $2, private_key = $3 WHERE id = 1`, sealed[0], sealed[1], sealed[2])
	return err
}

// sealSecrets returns the stored forms of c's client secret, webhook
// secret and private key, in that order.
func sealSecrets(c AppCredentials, s *Sealer) ([3]string, error) {
	var out [3]string
	for i, v := range []struct {
		b   []byte
		col string
	}{{c.ClientSecret, colClientSecret}, {c.WebhookSecret, colWebhookSecret}, {c.PrivateKey, colPrivateKey}} {
		var err error
		if out[i], err = s.seal(v.b, v.col); err != nil {
			return out, fmt.Errorf("seal the %s: %w", v.col, err)
		}
	}
	return out, nil
}
