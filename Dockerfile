# Build with the newest patched Go: 1.26.8 (this machine's) has standard-library
# advisories in net/http, crypto/tls and crypto/x509 fixed in 1.26.10 / 1.27.3.
FROM golang:1.27.3-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# A static binary: modernc.org/sqlite is pure Go, so no cgo is needed.
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/kith ./cmd/kith \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/kith /usr/local/bin/kith
COPY --from=build --chown=65532:65532 /out/data /data
USER 65532:65532
# Listening beyond loopback, kith serve needs KITH_BASE_URL (the address people
# reach the service at, for links in email): docker run -e KITH_BASE_URL=https://...
ENV KITH_ADDR=0.0.0.0:8080 KITH_DB=/data/kith.db
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
  CMD ["/usr/local/bin/kith", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/kith"]
CMD ["serve"]
