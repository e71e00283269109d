package store_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/reviewbot/reviewbot/internal/dbtest"
	"github.com/reviewbot/reviewbot/store"
)

const testKey = "q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq8M=" // 32 bytes, base64

func TestAppCredentialsSealedAtRest(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		ctx := context.Background()
		db := open(t, url)
		if _, err := db.LoadApp(ctx, nil); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("before setup: %v, want ErrNotFound", err)
		}
		s, err := store.NewSealer(testKey)
		if err != nil {
			t.Fatal(err)
		}
		c := store.AppCredentials{AppID: 42, Slug: "rb", Name: "rb", Owner: "acme", ClientID: "Iv1.x",
			ClientSecret: []byte("client-secret-value"), WebhookSecret: []byte("webhook-secret-value"), PrivateKey: []byte("-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n")}
		if err := db.SaveApp(ctx, c, s); err != nil {
			t.Fatal(err)
		}
		// Nothing secret is in the table as it is.
		var raw string
		if err := db.QueryRow(ctx, `SELECT client_secret || webhook_secret || private_key FROM reviewbot_app`).Scan(&raw); err != nil {
			t.Fatal(err)
		}
		for _, secret := range []string{"client-secret-value", "webhook-secret-value", "AAAA", "PRIVATE KEY"} {
			if strings.Contains(raw, secret) {
				t.Errorf("the stored row holds %q", secret)
			}
		}
		got, err := db.LoadApp(ctx, s)
		if err != nil {
			t.Fatal(err)
		}
		if got.AppID != 42 || string(got.WebhookSecret) != "webhook-secret-value" || string(got.PrivateKey) != string(c.PrivateKey) || !got.Sealed {
			t.Errorf("loaded %+v", got)
		}
		// Without the key, or with another one, the message says which key.
		if _, err := db.LoadApp(ctx, nil); !errors.Is(err, store.ErrKey) || !strings.Contains(err.Error(), s.KeyID()) || !strings.Contains(err.Error(), "not set") {
			t.Errorf("no key: %v", err)
		}
		other, _ := store.NewSealer(strings.Repeat("ab", 32))
		if _, err := db.LoadApp(ctx, other); !errors.Is(err, store.ErrKey) || !strings.Contains(err.Error(), other.KeyID()) {
			t.Errorf("other key: %v", err)
		}
		// The first App stored stays.
		if err := db.SaveApp(ctx, store.AppCredentials{AppID: 43, WebhookSecret: []byte("x"), PrivateKey: []byte("y")}, nil); !errors.Is(err, store.ErrAppExists) {
			t.Errorf("second SaveApp: %v, want ErrAppExists", err)
		}
		if db.Dialect == store.SQLite {
			if fi, err := os.Stat(db.Path); err != nil || fi.Mode().Perm() != 0o600 {
				t.Errorf("the SQLite file holding the key is %v (%v), want 0600", fi.Mode().Perm(), err)
			}
		}
	})
}

func TestAppCredentialsPlainThenSealed(t *testing.T) {
	ctx := context.Background()
	db := open(t, dbtest.SQLiteURL(t))
	c := store.AppCredentials{AppID: 7, Slug: "rb", WebhookSecret: []byte("w"), PrivateKey: []byte("k")}
	if err := db.SaveApp(ctx, c, nil); err != nil {
		t.Fatal(err)
	}
	got, err := db.LoadApp(ctx, nil)
	if err != nil || got.Sealed || string(got.WebhookSecret) != "w" {
		t.Fatalf("plain: %+v %v", got, err)
	}
	s, _ := store.NewSealer(testKey)
	// A key set later still reads the plain row, and seals it.
	if got, err = db.LoadApp(ctx, s); err != nil || got.Sealed {
		t.Fatalf("plain row with a key: %+v %v", got, err)
	}
	if err := db.SealApp(ctx, got, s); err != nil {
		t.Fatal(err)
	}
	if got, err = db.LoadApp(ctx, s); err != nil || !got.Sealed || string(got.PrivateKey) != "k" {
		t.Fatalf("after SealApp: %+v %v", got, err)
	}
}

func TestSealerKeys(t *testing.T) {
	for _, bad := range []string{"short", "c2hvcnQ=", strings.Repeat("z", 64)} {
		if _, err := store.NewSealer(bad); err == nil || !strings.Contains(err.Error(), "openssl rand -base64 32") {
			t.Errorf("NewSealer(%q) = %v", bad, err)
		}
	}
	if s, err := store.NewSealer(""); s != nil || err != nil {
		t.Errorf("empty key: %v %v", s, err)
	}
	a, _ := store.NewSealer(testKey)
	b, _ := store.NewSealer(strings.TrimRight(testKey, "="))
	if a == nil || b == nil || a.KeyID() != b.KeyID() {
		t.Error("padded and unpadded base64 of one key differ")
	}
}
