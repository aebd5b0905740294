// local-kms (github.com/nsmithuk/local-kms), served on a loopback address only: upstream's own main listens on
// every interface (":PORT"). Same handlers, same settings (KMS_REGION, KMS_ACCOUNT_ID, KMS_DATA_PATH), plus
// KMS_LISTEN (default 127.0.0.1:4599). The local stack's KMS for tests and the demo's KMS mode (scripts/kms.sh).
package main

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"

	"github.com/nsmithuk/local-kms/src/config"
	"github.com/nsmithuk/local-kms/src/data"
	"github.com/nsmithuk/local-kms/src/handler"
	log "github.com/sirupsen/logrus"
)

func env(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}

func main() {
	logger := log.New()
	config.AWSAccountId = env("KMS_ACCOUNT_ID", "111122223333")
	config.AWSRegion = env("KMS_REGION", "us-east-1")
	config.DatabasePath, _ = filepath.Abs(env("KMS_DATA_PATH", "/tmp/local-kms"))
	listen := env("KMS_LISTEN", "127.0.0.1:4599")
	if !strings.HasPrefix(listen, "127.") && !strings.HasPrefix(listen, "[::1]") && !strings.HasPrefix(listen, "localhost:") {
		logger.Fatalf("KMS_LISTEN=%s: a loopback address only (127.0.0.1:PORT)", listen)
	}
	database := data.NewDatabase(config.DatabasePath)
	defer database.Close()

	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" || r.Method != http.MethodPost {
			w.WriteHeader(http.StatusNotFound)
			return
		}
		h := handler.NewRequestHandler(r, logger, database)
		// X-Amz-Target: TrentService.<Operation>
		target := strings.Split(r.Header.Get("X-Amz-Target"), ".")
		if len(target) == 2 {
			if method := reflect.ValueOf(h).MethodByName(target[1]); method.IsValid() {
				if result := method.Call(nil); len(result) == 1 {
					if response, ok := result[0].Interface().(handler.Response); ok {
						w.Header().Set("Content-Type", "application/x-amz-json-1.1")
						w.WriteHeader(response.Code)
						fmt.Fprint(w, response.Body)
						return
					}
				}
			}
		}
		w.WriteHeader(http.StatusNotImplemented)
		fmt.Fprintf(w, "X-Amz-Target %q is not implemented", r.Header.Get("X-Amz-Target"))
	})
	logger.Infof("local-kms on %s, data in %s", listen, config.DatabasePath)
	logger.Fatal(http.ListenAndServe(listen, nil))
}
