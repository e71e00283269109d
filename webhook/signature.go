package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// signaturePrefix starts X-Hub-Signature-256: "sha256=" and the hex
// HMAC-SHA256 of the raw body under the webhook secret.
// https://docs.github.com/webhooks/using-webhooks/validating-webhook-deliveries
const signaturePrefix = "sha256="

// Sign returns the X-Hub-Signature-256 value of body under secret.
func Sign(secret, body []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write(body)
	return signaturePrefix + hex.EncodeToString(m.Sum(nil))
}

// Verify checks an X-Hub-Signature-256 header against body. The
// comparison is hmac.Equal's, in constant time, so the answer's timing
// says nothing about how much of a forged signature was right. The legacy
// SHA-1 X-Hub-Signature is never accepted.
func Verify(secret, body []byte, header string) error {
	if header == "" {
		return refuse(CodeUnauthorized, "missing X-Hub-Signature-256: set the App's webhook secret to REVIEWBOT_WEBHOOK_SECRET", nil)
	}
	hexSig, ok := strings.CutPrefix(header, signaturePrefix)
	if !ok {
		return refuse(CodeUnauthorized, "X-Hub-Signature-256 is not sha256=<hex>", nil)
	}
	got, err := hex.DecodeString(hexSig)
	if err != nil || len(got) != sha256.Size {
		return refuse(CodeUnauthorized, "X-Hub-Signature-256 is not sha256=<hex>", nil)
	}
	m := hmac.New(sha256.New, secret)
	m.Write(body)
	if !hmac.Equal(got, m.Sum(nil)) {
		return refuse(CodeUnauthorized, "X-Hub-Signature-256 does not match the body: the delivery is forged or the webhook secret differs from REVIEWBOT_WEBHOOK_SECRET", nil)
	}
	return nil
}
