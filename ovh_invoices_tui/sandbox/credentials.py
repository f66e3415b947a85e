"""The sandbox's fixed, documented credentials (printed by ``ovh-invoices sandbox serve``)."""

APPLICATION_KEY = "sandboxAppKey0001"
APPLICATION_SECRET = "sandboxAppSecret00000000000000001"
CONSUMER_KEY = "sandboxConsumerKey000000000000001"
CLIENT_ID = "sandbox-client-id"
CLIENT_SECRET = "sandboxClientSecret000000000000001"
NICHANDLE = "xx12345-ovh"
# Base URL used for the in-process sandbox (httpx.ASGITransport); any host works in-process.
INPROCESS_BASE_URL = "http://sandbox.invalid/1.0"
# A consumer key granted only GET rules: any POST with it answers 403 NOT_GRANTED_CALL.
READONLY_CONSUMER_KEY = "sandboxReadonlyConsumerKey0000001"
# The origin of the OAuth2 token endpoint is the sandbox's own origin: {origin}/auth/oauth2/token.
TOKEN_PATH = "/auth/oauth2/token"
