package appmanifest

import (
	"bytes"
	_ "embed"
)

//go:generate go test -run ^TestIconsUpToDate$ -update .

// File names of the icons inside the package; the manifest refers to them.
const (
	ColorFile   = "color.png"
	OutlineFile = "outline.png"
)

// Icon sizes in pixels that Teams requires (square).
const (
	ColorSize   = 192
	OutlineSize = 32
)

var (
	//go:embed assets/color.png
	colorPNG []byte
	//go:embed assets/outline.png
	outlinePNG []byte
)

// Icons returns FlowDeck's icons as PNG files: color is 192×192 and opaque,
// outline is 32×32, white on a transparent background. The slices are
// copies; callers may keep or change them.
func Icons() (color, outline []byte) {
	return bytes.Clone(colorPNG), bytes.Clone(outlinePNG)
}
