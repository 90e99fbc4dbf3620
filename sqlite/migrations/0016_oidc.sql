-- OpenID Connect sign-in (issue 17): at most one provider per site, chosen
-- by its issuer (and, for a multi-tenant issuer such as Microsoft Entra
-- ID's, the tenant). The client secret is set with `kith site sso` by
-- whoever runs the service and is never shown by the API. role_map is the
-- lead's mapping from the provider's group or app-role values to roles.
CREATE TABLE oidc_providers (
	site_id       TEXT PRIMARY KEY REFERENCES sites(id),
	issuer        TEXT NOT NULL,
	tenant        TEXT NOT NULL DEFAULT '',
	client_id     TEXT NOT NULL,
	client_secret TEXT NOT NULL,
	claim         TEXT NOT NULL DEFAULT 'groups',
	role_map      TEXT NOT NULL DEFAULT '{}',
	updated_at    TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX oidc_providers_issuer ON oidc_providers(issuer, tenant);

-- A person who signs in through a provider: its issuer and subject. Such an
-- account has no password (password_hash is empty and never matches).
ALTER TABLE users ADD COLUMN oidc_issuer TEXT;
ALTER TABLE users ADD COLUMN oidc_subject TEXT;
CREATE UNIQUE INDEX users_oidc ON users(oidc_issuer, oidc_subject) WHERE oidc_subject IS NOT NULL;
