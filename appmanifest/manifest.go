package appmanifest

import (
	"bytes"
	"encoding/json"
	"net/url"
)

// ManifestVersion is the Teams manifest schema version this package writes:
// the newest up to 1.25 that the pinned @microsoft/app-manifest package ships.
const ManifestVersion = "1.25"

// SchemaURL is the $schema URL of [ManifestVersion]; the two must agree.
const SchemaURL = "https://developer.microsoft.com/json-schemas/teams/v" + ManifestVersion + "/MicrosoftTeams.schema.json"

// AccentColor is FlowDeck blue, the manifest's accentColor and the
// background of the colour icon.
const AccentColor = "#1F5BD6"

// DefaultVersion is the app version used when Options.Version is empty.
const DefaultVersion = "1.0.0"

// Display texts of the manifest. The limits they must respect are checked by
// the tests.
const (
	developerName    = "FlowDeck"
	shortName        = "FlowDeck"
	fullName         = "FlowDeck for Power Automate"
	shortDescription = "Watch, fix and approve Power Automate flows without leaving Teams."
	fullDescription  = "FlowDeck brings Power Automate into Microsoft Teams. " +
		"Makers learn the moment a flow fails and fix it from Teams, without hunting through the portal. " +
		"Approvers answer requests from cards that always tell the truth: a card shows the request as it stands now, never a stale copy. " +
		"FlowDeck covers every environment you can reach at once. " +
		"It signs you in with Teams single sign-on and asks only for granular permissions, one consent at a time, when a feature needs them."
	dashboardEntityID = "dashboard"
	dashboardName     = "FlowDeck"
)

// Command is a bot command as the manifest lists it: Teams shows it in the
// compose box's command menu. Title is what the user types (at most
// [MaxCommandTitle] characters) and Description says what it does (at most
// [MaxCommandDescription] characters); both are required.
type Command struct {
	Title       string
	Description string
}

// Options are the deployment-specific inputs of the manifest. Manifest and
// Package validate them with [Options.Validate].
type Options struct {
	// AppID is the Teams app id (a GUID); it defaults to ClientID when empty.
	AppID string
	// ClientID is the Entra application (client) id, which is also the bot id.
	ClientID string
	// PublicURL is the service's public base URL: https, or http on a loopback
	// host for the local cloud; no path, query, fragment or credentials.
	PublicURL *url.URL
	// AppIDURI is the Entra app's Application ID URI, written verbatim as
	// webApplicationInfo.resource. It must read
	// api://<public host>/botid-<client id> with a lower-case host; when
	// empty it defaults to exactly that.
	AppIDURI string
	// Version is the app version, MAJOR.MINOR.PATCH; DefaultVersion when
	// empty. Raise it for every upload.
	Version string
	// Commands are the bot's commands, listed for each bot scope (personal,
	// team, groupChat); at most MaxCommands. May be empty.
	Commands []Command
	// LinkDomains are the hosts whose links Teams unfurls through the
	// message extension (its messageHandlers): the Power Automate portals
	// of every cloud; at most MaxLinkDomains. None: no link unfurling.
	LinkDomains []string
}

// Manifest returns manifest.json for o, indented and ending in a newline. It
// returns the error of [Options.Validate] when o is invalid.
func Manifest(o Options) ([]byte, error) {
	r, err := o.resolve()
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r.manifest()); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// manifest maps resolved options onto the manifest document.
func (r resolved) manifest() manifest {
	scopes := []string{"personal", "team", "groupChat"}
	var lists []commandList
	if len(r.commands) > 0 {
		// The schema asks for a separate command list per scope.
		for _, s := range scopes {
			lists = append(lists, commandList{Scopes: []string{s}, Commands: r.commands})
		}
	}
	return manifest{
		Schema:          SchemaURL,
		ManifestVersion: ManifestVersion,
		Version:         r.version,
		ID:              r.appID,
		Developer: developer{
			Name:          developerName,
			WebsiteURL:    r.base + "/",
			PrivacyURL:    r.base + "/privacy",
			TermsOfUseURL: r.base + "/terms",
		},
		Name:        name{Short: shortName, Full: fullName},
		Description: description{Short: shortDescription, Full: fullDescription},
		Icons:       icons{Color: ColorFile, Outline: OutlineFile},
		AccentColor: AccentColor,
		Bots: []bot{{
			BotID:        r.clientID,
			Scopes:       scopes,
			CommandLists: lists,
		}},
		StaticTabs: []staticTab{
			{
				EntityID:   dashboardEntityID,
				Name:       dashboardName,
				ContentURL: r.base + "/?inTeams=1",
				WebsiteURL: r.base + "/",
				Scopes:     []string{"personal"},
				Context:    []string{"personalTab"},
			},
			{EntityID: "conversations", Scopes: []string{"personal"}},
			{EntityID: "about", Scopes: []string{"personal"}},
		},
		ComposeExtensions: r.composeExtensions(),
		Permissions:       []string{"identity", "messageTeamMembers"},
		ValidDomains:      []string{r.domain},
		WebApplicationInfo: webApplicationInfo{
			ID:       r.clientID,
			Resource: r.appIDURI,
		},
		Activities: activities{ActivityTypes: ActivityTypes()},
	}
}

// The manifest document, in schema field order.
type (
	manifest struct {
		Schema             string             `json:"$schema"`
		ManifestVersion    string             `json:"manifestVersion"`
		Version            string             `json:"version"`
		ID                 string             `json:"id"`
		Developer          developer          `json:"developer"`
		Name               name               `json:"name"`
		Description        description        `json:"description"`
		Icons              icons              `json:"icons"`
		AccentColor        string             `json:"accentColor"`
		Bots               []bot              `json:"bots"`
		StaticTabs         []staticTab        `json:"staticTabs"`
		ComposeExtensions  []composeExtension `json:"composeExtensions"`
		Permissions        []string           `json:"permissions"`
		ValidDomains       []string           `json:"validDomains"`
		WebApplicationInfo webApplicationInfo `json:"webApplicationInfo"`
		Activities         activities         `json:"activities"`
	}
	developer struct {
		Name          string `json:"name"`
		WebsiteURL    string `json:"websiteUrl"`
		PrivacyURL    string `json:"privacyUrl"`
		TermsOfUseURL string `json:"termsOfUseUrl"`
	}
	name struct {
		Short string `json:"short"`
		Full  string `json:"full"`
	}
	description struct {
		Short string `json:"short"`
		Full  string `json:"full"`
	}
	icons struct {
		Color   string `json:"color"`
		Outline string `json:"outline"`
	}
	bot struct {
		BotID              string        `json:"botId"`
		Scopes             []string      `json:"scopes"`
		IsNotificationOnly bool          `json:"isNotificationOnly"`
		SupportsFiles      bool          `json:"supportsFiles"`
		CommandLists       []commandList `json:"commandLists,omitempty"`
	}
	commandList struct {
		Scopes   []string  `json:"scopes"`
		Commands []command `json:"commands"`
	}
	command struct {
		Title       string `json:"title"`
		Description string `json:"description"`
	}
	staticTab struct {
		EntityID   string   `json:"entityId"`
		Name       string   `json:"name,omitempty"`
		ContentURL string   `json:"contentUrl,omitempty"`
		WebsiteURL string   `json:"websiteUrl,omitempty"`
		Scopes     []string `json:"scopes"`
		Context    []string `json:"context,omitempty"`
	}
	webApplicationInfo struct {
		ID       string `json:"id"`
		Resource string `json:"resource"`
	}
)
