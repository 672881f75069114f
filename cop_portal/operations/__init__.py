"""What operators watch: request ids in logs and tasks, error reports (Sentry), metrics (/metrics), readiness.

- request_id: every request gets an id (X-Request-ID, kept from a trusted proxy or made here), carried
  into the log records and into the Celery tasks the request queues.
- sentry: error reports when SENTRY_DSN is set, with personal data scrubbed.
- metrics: Prometheus metrics at /metrics for a token or an allowed network; requests, latency and
  database queries come from django-prometheus, the portal's own figures (tasks, email ledger,
  outbox lag, reminder lateness) from MetricsCollector at scrape time.
"""
