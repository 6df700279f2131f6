package server

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// maxSettingRunes bounds each settings field; ops checks what they mean.
const maxSettingRunes = 64

// settingsRoutes:
//
//	GET /api/settings                                          → {"settings":UserSettings,"watches":[Subscription]}
//	PUT /api/settings {"timeZone","digestTime","quietStart","quietEnd","delivery"} → UserSettings
func (t *tab) settingsRoutes(g *echo.Group) {
	g.GET("/settings", t.getSettings, noStore)
	g.PUT("/settings", t.putSettings, noStore)
}

// settingsResponse is the body of GET /api/settings.
type settingsResponse struct {
	Settings flowdeck.UserSettings   `json:"settings"`
	Watches  []flowdeck.Subscription `json:"watches"`
}

func (t *tab) getSettings(c echo.Context) error {
	ctx := ctxOf(c)
	st, err := t.ops.Settings(ctx)
	if err != nil {
		return err
	}
	subs, err := t.ops.Watches(ctx)
	if err != nil {
		return err
	}
	if subs == nil {
		subs = []flowdeck.Subscription{}
	}
	return c.JSON(http.StatusOK, settingsResponse{Settings: st, Watches: subs})
}

// settingsRequest is the body of PUT /api/settings: the whole settings,
// an empty field turning that setting off (the time zone defaults to UTC).
type settingsRequest struct {
	TimeZone   string `json:"timeZone"`
	DigestTime string `json:"digestTime"`
	QuietStart string `json:"quietStart"`
	QuietEnd   string `json:"quietEnd"`
	// Delivery is where alerts and approvals arrive: chat (also ""), feed or both.
	Delivery string `json:"delivery"`
}

func (t *tab) putSettings(c echo.Context) error {
	var req settingsRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	for _, v := range []string{req.TimeZone, req.DigestTime, req.QuietStart, req.QuietEnd, req.Delivery} {
		if !printable(v, maxSettingRunes) {
			return invalid("Each setting is at most %d printable characters.", maxSettingRunes)
		}
	}
	st, err := t.ops.SetSettings(ctxOf(c), flowdeck.UserSettings{
		TimeZone: req.TimeZone, DigestTime: req.DigestTime, QuietStart: req.QuietStart, QuietEnd: req.QuietEnd, Delivery: req.Delivery,
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, st)
}
