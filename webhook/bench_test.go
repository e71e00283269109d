package webhook

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/reviewbot/reviewbot/internal/dbtest"
)

// BenchmarkWebhookAck measures the time from sending a signed
// pull_request delivery over loopback HTTP to its 202, durable enqueue
// included (a committed transaction: delivery ID, head, job), with one
// and with 32 concurrent senders, and reports the p50 and p99. Each delivery names a
// new pull request, so each one inserts a job.
//
//	go test ./webhook -run '^$' -bench WebhookAck -benchtime 4000x
func BenchmarkWebhookAck(b *testing.B) {
	for _, name := range []string{"sqlite", "postgres"} {
		b.Run(name, func(b *testing.B) {
			url := dbtest.SQLiteURL(b)
			if name == "postgres" {
				url = dbtest.PostgresURL(b)
			}
			for _, n := range []int{1, 32} {
				b.Run(fmt.Sprintf("senders=%d", n), func(b *testing.B) { benchAck(b, url, n) })
			}
		})
	}
}

func benchAck(b *testing.B, url string, senders int) {
	a := newTestApp(b, url)
	srv := httptest.NewServer(a.srv)
	defer srv.Close()
	body := string(payload(b, "pull_request/opened.json", nil))
	var next atomic.Int64
	lat := make([]time.Duration, b.N)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: senders}}
	var wg sync.WaitGroup
	b.ResetTimer()
	for range senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= b.N {
					return
				}
				// A distinct pull request per delivery: a new job each.
				data := []byte(strings.Replace(body, `"number": 2,`, fmt.Sprintf(`"number": %d,`, 1000+i), 1))
				req, _ := http.NewRequest("POST", srv.URL+"/webhook", bytes.NewReader(data))
				req.Header.Set("X-GitHub-Event", "pull_request")
				req.Header.Set("X-GitHub-Delivery", fmt.Sprintf("bench-%d-%d", time.Now().UnixNano(), i))
				req.Header.Set("X-Hub-Signature-256", Sign([]byte(docsSecret), data))
				start := time.Now()
				resp, err := client.Do(req)
				lat[i] = time.Since(start)
				if err != nil || resp.StatusCode != http.StatusAccepted {
					b.Errorf("delivery %d: %v %v", i, err, resp)
					return
				}
				resp.Body.Close()
			}
		}()
	}
	wg.Wait()
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
}
