# syntax=docker/dockerfile:1
# FlowDeck: one static binary on a minimal, non-root base with CA certificates.
# `make docker-check` builds the binary exactly as the build stage does
# (the machines that develop FlowDeck have no Docker engine).

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# The tab UI is built by the web stage when web/package.json exists; without it
# the binary embeds the fallback page.
ARG VERSION=dev
RUN CGO_ENABLED=0 GOOS=linux go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/flowdeck ./cmd/flowdeck

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/flowdeck /flowdeck
# The embedded database lives here on a single replica; mount a volume.
ENV FLOWDECK_DATA_DIR=/data
VOLUME ["/data"]
USER nonroot:nonroot
EXPOSE 3978
HEALTHCHECK NONE
ENTRYPOINT ["/flowdeck", "serve"]
