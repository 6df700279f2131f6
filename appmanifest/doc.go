// Package appmanifest builds FlowDeck's Microsoft Teams app package: the
// manifest.json and the two icons, zipped the way Teams expects.
//
// # What Teams requires
//
// A Teams app package is a zip file with exactly these files at its root (no
// enclosing folder; the manifest refers to the icons by relative path):
//
//   - manifest.json, valid against the JSON schema its $schema URL names
//     (this package writes manifestVersion [ManifestVersion] and the $schema
//     URL of the same version, [SchemaURL]);
//   - color.png, a 192×192 full-colour icon;
//   - outline.png, a 32×32 icon that is white on a transparent background.
//
// The manifest ties three identities together, and the upload fails or SSO
// breaks when they disagree:
//
//   - bots[0].botId and webApplicationInfo.id are the Entra app (client) id;
//   - webApplicationInfo.resource is the Entra app's Application ID URI and
//     must read api://<public host>/botid-<client id>, with a lower-case host
//     that is also the tab's host and the only entry of validDomains;
//   - version must grow on every re-upload, or Teams keeps the installed copy.
//
// [Options.Validate] checks all of this (and every length and count limit of
// the schema) before anything is generated, and reports every problem at once.
//
// # Uploading
//
// Produce the zip with [Package] (the `flowdeck manifest` subcommand is
// the intended caller). Then either upload it for yourself in Teams (Apps →
// Manage your apps → Upload an app → Upload a custom app; the tenant policy
// must allow custom apps), import it in the Teams Developer Portal (Apps →
// Import app), or, as a Teams administrator, publish it to the whole
// organisation in the Teams admin center (Teams apps → Manage apps → Upload
// new app).
// When you upload a new build, raise Options.Version.
//
// # Icons
//
// The PNG files under assets/ are committed and embedded. They are drawn by
// Go code kept in the tests (icongen_test.go); `go generate` redraws them,
// and a test fails when the committed files no longer match the drawing.
package appmanifest
