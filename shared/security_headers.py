"""The security headers every response carries, in one place: CloudFront's response headers
policy (stacks/frontend.py), the API (functions/api/app.py) and the local server read them here.
"""

# Two years, with subdomains, as the HSTS preload list asks.
HSTS_MAX_AGE_SECONDS = 730 * 24 * 3600
STRICT_TRANSPORT_SECURITY = f"max-age={HSTS_MAX_AGE_SECONDS}; includeSubDomains; preload"
FRAME_OPTIONS = "DENY"
CONTENT_TYPE_OPTIONS = "nosniff"
REFERRER_POLICY = "strict-origin-when-cross-origin"
# JSON loads nothing and is framed by no one. The API's HTML pages (/docs) load Swagger UI from
# its CDN, so they get only the framing rule: they are a local developer's tool, not served by
# CloudFront.
API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'"
DOCS_CONTENT_SECURITY_POLICY = "frame-ancestors 'none'"

# What Clerk's hosted components load besides its Frontend API (Clerk's CSP guide): Cloudflare's
# bot protection, Clerk's abuse protection (on ports besides 443) and its images.
BOT_PROTECTION = "https://challenges.cloudflare.com"
ABUSE_PROTECTION = "https://*.protect.clerk.com"
CLERK_IMAGES = "https://img.clerk.com"


def content_security_policy(clerk_frontend_api: str | None) -> str:
    """The SPA's CSP: this origin only, and what Clerk's components need when Clerk signs in
    (`clerk_frontend_api`: the host its publishable key names)."""
    sources: dict[str, list[str]] = {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "connect-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        # Next, Recharts and Clerk's CSS-in-JS set inline styles.
        "style-src": ["'self'", "'unsafe-inline'"],
        "font-src": ["'self'"],
        "worker-src": ["'self'", "blob:"],
        "frame-src": [],
        "frame-ancestors": [],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "object-src": [],
    }
    if clerk_frontend_api:
        fapi = f"https://{clerk_frontend_api}"
        for directive, extra in {
            "script-src": [fapi, BOT_PROTECTION, ABUSE_PROTECTION],
            "connect-src": [fapi, f"{ABUSE_PROTECTION}:*"],
            "img-src": [CLERK_IMAGES],
            "frame-src": [BOT_PROTECTION, ABUSE_PROTECTION],
        }.items():
            sources[directive] += extra
    return "; ".join(
        " ".join([directive, *(values or ["'none'"])]) for directive, values in sources.items()
    )


def security_headers(content_security_policy: str, *, https: bool) -> dict[str, str]:
    """The headers of a response with this CSP; HSTS only where the site is served over HTTPS
    (in AWS: a browser would otherwise remember to refuse plain http://localhost)."""
    headers = {
        "Content-Security-Policy": content_security_policy,
        "X-Content-Type-Options": CONTENT_TYPE_OPTIONS,
        "X-Frame-Options": FRAME_OPTIONS,
        "Referrer-Policy": REFERRER_POLICY,
    }
    if https:
        headers["Strict-Transport-Security"] = STRICT_TRANSPORT_SECURITY
    return headers
