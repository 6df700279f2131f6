package flowdeck

// The keys of Error.Detail that more than one package reads or writes. The
// writer (identity's broker and consent flow, upstream's error decoding) and
// every reader (the error card, the card-action router, the bot, the tab
// API's JSON error, which carries Detail as it is) use these names, so a
// link the writer adds is never lost to a reader spelling its key another
// way. Values are plain strings; none is ever a token or a secret.
const (
	// DetailConsentURL is FlowDeck's page that starts the user's own
	// consent (/auth/start?s=…): the "Give consent" button.
	DetailConsentURL = "consent_url"
	// DetailSignInURL is FlowDeck's page that starts a sign-in, carrying a
	// claims challenge when Entra asked for one: the "Sign in" button.
	DetailSignInURL = "signin_url"
	// DetailAdminConsentURL is the tenant's admin-consent link on Microsoft
	// Entra ID ({authority}/{tenant}/v2.0/adminconsent?client_id=…), for an
	// administrator to grant FlowDeck's permissions for everyone.
	DetailAdminConsentURL = "admin_consent_url"
	// DetailAdminRequired is "true" when only an administrator can grant
	// the consent the error asks for (Entra AADSTS90094: the tenant does not
	// let users consent to FlowDeck's permissions themselves).
	DetailAdminRequired = "admin_required"
	// DetailMissingScopes are the permissions a consent error is about,
	// space-separated (full scope URIs).
	DetailMissingScopes = "missing_scopes"
	// DetailScope is the one permission an upstream refusal names
	// (Power Platform's 403 for a missing delegated permission).
	DetailScope = "scope"
	// DetailPermission is that permission once identity recognised it as
	// one FlowDeck asks for (ExplainMissingPermission).
	DetailPermission = "permission"
	// DetailGrantor says who can grant a missing permission.
	DetailGrantor = "grantor"
	// DetailAudience is the registry key of the service the error is
	// about ("flow").
	DetailAudience = "audience"
	// DetailAudienceName is that service's name ("Power Automate").
	DetailAudienceName = "audience_name"
)
