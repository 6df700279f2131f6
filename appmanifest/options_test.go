package appmanifest

import (
	"net/url"
	"strings"
	"testing"
)

func mustURL(t testing.TB, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestValidate(t *testing.T) {
	long := strings.Repeat("x", MaxCommandTitle+1)
	tests := []struct {
		name   string
		modify func(*Options)
		want   string // a substring of the error; "" means valid
	}{
		{"valid", func(*Options) {}, ""},
		{"ClientID missing", func(o *Options) { o.ClientID = "" }, "ClientID is required"},
		{"ClientID not a GUID", func(o *Options) { o.ClientID = "flowdeck-bot" }, `ClientID "flowdeck-bot" is not a GUID`},
		{"ClientID braces", func(o *Options) { o.ClientID = "{" + testClientID + "}" }, "is not a GUID"},
		{"AppID not a GUID", func(o *Options) { o.AppID = "00000000-0000-0000-0000-0000000000001" }, "AppID"},
		{"PublicURL missing", func(o *Options) { o.PublicURL = nil }, "PublicURL is required"},
		{"PublicURL http", func(o *Options) { o.PublicURL = mustURL(t, "http://flowdeck.contoso.com") }, "must use https"},
		{"PublicURL ftp", func(o *Options) { o.PublicURL = mustURL(t, "ftp://flowdeck.contoso.com") }, "must use https"},
		{"PublicURL relative", func(o *Options) { o.PublicURL = mustURL(t, "/flowdeck") }, "has no host"},
		{"PublicURL path", func(o *Options) { o.PublicURL = mustURL(t, "https://flowdeck.contoso.com/app") }, "must not have a path"},
		{"PublicURL query", func(o *Options) { o.PublicURL = mustURL(t, "https://flowdeck.contoso.com/?a=b") }, "query or fragment"},
		{"PublicURL fragment", func(o *Options) { o.PublicURL = mustURL(t, "https://flowdeck.contoso.com/#x") }, "query or fragment"},
		{"PublicURL credentials", func(o *Options) { o.PublicURL = mustURL(t, "https://u:p@flowdeck.contoso.com") }, "credentials"},
		{"http on localhost", func(o *Options) {
			o.PublicURL = mustURL(t, "http://localhost:3978")
			o.AppIDURI = ""
		}, ""},
		{"http on IPv6 loopback", func(o *Options) {
			o.PublicURL = mustURL(t, "http://[::1]:3978")
			o.AppIDURI = "api://[::1]:3978/botid-" + testClientID
		}, ""},
		{"AppIDURI tab-only form", func(o *Options) { o.AppIDURI = "api://flowdeck.contoso.com/" + testClientID }, "must read api://flowdeck.contoso.com/botid-" + testClientID},
		{"AppIDURI bot-only form", func(o *Options) { o.AppIDURI = "api://botid-" + testClientID }, "must read"},
		{"AppIDURI https", func(o *Options) { o.AppIDURI = "https://flowdeck.contoso.com/botid-" + testClientID }, "must read"},
		{"AppIDURI upper-case host", func(o *Options) { o.AppIDURI = "api://FlowDeck.contoso.com/botid-" + testClientID }, "must be lower-case"},
		{"AppIDURI other host", func(o *Options) { o.AppIDURI = "api://flowdeck.fabrikam.com/botid-" + testClientID }, `is not the public host "flowdeck.contoso.com"`},
		{"AppIDURI port missing", func(o *Options) {
			o.PublicURL = mustURL(t, "https://flowdeck.contoso.com:8443")
		}, "is not the public host"},
		{"AppIDURI other client", func(o *Options) { o.AppIDURI = "api://flowdeck.contoso.com/botid-" + testAppID }, "is not the client id"},
		{"AppIDURI upper-case client id", func(o *Options) {
			o.AppIDURI = "api://flowdeck.contoso.com/botid-" + strings.ToUpper(testClientID)
		}, ""},
		{"Version with v", func(o *Options) { o.Version = "v1.0.0" }, "MAJOR.MINOR.PATCH"},
		{"Version two parts", func(o *Options) { o.Version = "1.0" }, "MAJOR.MINOR.PATCH"},
		{"Version pre-release", func(o *Options) { o.Version = "1.0.0-beta.1" }, "MAJOR.MINOR.PATCH"},
		{"Version leading zero", func(o *Options) { o.Version = "1.02.0" }, "MAJOR.MINOR.PATCH"},
		{"Version too long", func(o *Options) { o.Version = "1.0." + strings.Repeat("9", 300) }, "MAJOR.MINOR.PATCH"},
		{"too many commands", func(o *Options) {
			o.Commands = nil
			for i := range MaxCommands + 1 {
				o.Commands = append(o.Commands, Command{Title: "c" + string(rune('a'+i)), Description: "d"})
			}
		}, "11 Commands, at most 10"},
		{"command title empty", func(o *Options) { o.Commands = []Command{{Title: " ", Description: "d"}} }, "title \" \" is required"},
		{"command title too long", func(o *Options) { o.Commands = []Command{{Title: long, Description: "d"}} }, "is 33 characters long, at most 32"},
		{"command title spaces", func(o *Options) { o.Commands = []Command{{Title: "help ", Description: "d"}} }, "leading or trailing spaces"},
		{"command title newline", func(o *Options) { o.Commands = []Command{{Title: "a\nb", Description: "d"}} }, "control character"},
		{"command title invalid UTF-8", func(o *Options) { o.Commands = []Command{{Title: "a\xffb", Description: "d"}} }, "not valid UTF-8"},
		{"command description missing", func(o *Options) { o.Commands = []Command{{Title: "help"}} }, `("help") description is required`},
		{"command description too long", func(o *Options) {
			o.Commands = []Command{{Title: "help", Description: strings.Repeat("é", MaxCommandDescription+1)}}
		}, "is 129 characters long, at most 128"},
		{"command duplicate", func(o *Options) {
			o.Commands = []Command{{Title: "help", Description: "d"}, {Title: "Help", Description: "d"}}
		}, `Commands[1] title "Help" repeats Commands[0]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := validOptions(t)
			tt.modify(&o)
			err := o.Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("Validate() = %v, want nil", err)
			case tt.want != "" && err == nil:
				t.Fatalf("Validate() = nil, want an error containing %q", tt.want)
			case tt.want != "" && !strings.Contains(err.Error(), tt.want):
				t.Fatalf("Validate() = %v, want it to contain %q", err, tt.want)
			}
			if _, mErr := Manifest(o); (mErr == nil) != (err == nil) {
				t.Errorf("Manifest error %v disagrees with Validate error %v", mErr, err)
			}
		})
	}
}

// TestValidateReportsEveryProblem checks that all problems come back at
// once, one line each.
func TestValidateReportsEveryProblem(t *testing.T) {
	o := Options{
		AppID:     "app",
		ClientID:  "client",
		PublicURL: mustURL(t, "http://flowdeck.contoso.com/x?y"),
		AppIDURI:  "https://elsewhere",
		Version:   "one",
		Commands:  []Command{{Title: "", Description: ""}},
	}
	err := o.Validate()
	if err == nil {
		t.Fatal("Validate() = nil, want errors")
	}
	lines := strings.Split(err.Error(), "\n")
	for _, want := range []string{"AppID", "ClientID", "must use https", "path", "query", "AppIDURI", "Version", "title", "description"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not mention %q:\n%v", want, err)
		}
	}
	if len(lines) != 9 {
		t.Errorf("got %d problems, want 9:\n%v", len(lines), err)
	}
	for _, l := range lines {
		if !strings.HasPrefix(l, "appmanifest: ") {
			t.Errorf("problem %q lacks the appmanifest: prefix", l)
		}
	}
}
