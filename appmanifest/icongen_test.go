package appmanifest

// The drawing code of FlowDeck's icons. It lives in a test file so the
// service binary carries only the committed PNGs; `go generate` (see
// icons.go) runs TestIconsUpToDate with -update to redraw assets/*.png.

import (
	"bytes"
	"flag"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "redraw assets/color.png and assets/outline.png")

// shape reports whether a point (in pixels, y down) lies inside it.
type shape func(x, y float64) bool

// roundRect is a w×h rectangle with corner radius r, centred on (cx, cy)
// and rotated by deg degrees (clockwise on screen).
func roundRect(cx, cy, w, h, r, deg float64) shape {
	sin, cos := math.Sincos(deg * math.Pi / 180)
	return func(x, y float64) bool {
		dx, dy := x-cx, y-cy
		lx, ly := dx*cos+dy*sin, -dx*sin+dy*cos
		qx, qy := math.Abs(lx)-(w/2-r), math.Abs(ly)-(h/2-r)
		out := math.Hypot(math.Max(qx, 0), math.Max(qy, 0)) + math.Min(math.Max(qx, qy), 0)
		return out <= r
	}
}

// frame is the border, thick t, of a rounded rectangle.
func frame(cx, cy, w, h, r, t, deg float64) shape {
	return minus(roundRect(cx, cy, w, h, r, deg), roundRect(cx, cy, w-2*t, h-2*t, math.Max(r-t, 0), deg))
}

// bolt is FlowDeck's lightning bolt, 80 units high at scale 1, centred on
// (cx, cy).
func bolt(cx, cy, scale float64) shape {
	pts := [][2]float64{{0, -40}, {-20, 6}, {-3, 6}, {-10, 40}, {20, -8}, {3, -8}, {16, -40}}
	for i := range pts {
		pts[i] = [2]float64{cx + pts[i][0]*scale, cy + pts[i][1]*scale}
	}
	return func(x, y float64) bool { // even-odd rule
		in := false
		for i, j := 0, len(pts)-1; i < len(pts); j, i = i, i+1 {
			a, b := pts[i], pts[j]
			if (a[1] > y) != (b[1] > y) && x < (b[0]-a[0])*(y-a[1])/(b[1]-a[1])+a[0] {
				in = !in
			}
		}
		return in
	}
}

func union(shapes ...shape) shape {
	return func(x, y float64) bool {
		for _, s := range shapes {
			if s(x, y) {
				return true
			}
		}
		return false
	}
}

func minus(a, b shape) shape {
	return func(x, y float64) bool { return a(x, y) && !b(x, y) }
}

// coverage rasterises s into a size×size mask, anti-aliased by sampling
// each pixel on an 8×8 grid.
func coverage(size int, s shape) *image.Alpha {
	const n = 8
	m := image.NewAlpha(image.Rect(0, 0, size, size))
	for py := range size {
		for px := range size {
			hits := 0
			for sy := range n {
				for sx := range n {
					if s(float64(px)+(float64(sx)+0.5)/n, float64(py)+(float64(sy)+0.5)/n) {
						hits++
					}
				}
			}
			m.SetAlpha(px, py, color.Alpha{A: uint8((hits*255 + n*n/2) / (n * n))})
		}
	}
	return m
}

// accent is AccentColor as a colour.
var accent = color.NRGBA{R: 0x1F, G: 0x5B, B: 0xD6, A: 0xFF}

// drawColor draws the 192×192 icon: a deck of three cards fanned on
// FlowDeck blue, the front one carrying a blue lightning bolt.
func drawColor() *image.NRGBA {
	const s = ColorSize
	img := image.NewNRGBA(image.Rect(0, 0, s, s))
	draw.Draw(img, img.Bounds(), image.NewUniform(accent), image.Point{}, draw.Src)
	layers := []struct {
		c     color.Color
		shape shape
	}{
		{color.NRGBA{255, 255, 255, 80}, roundRect(84, 92, 88, 112, 14, -16)},
		{color.NRGBA{255, 255, 255, 150}, roundRect(93, 96, 88, 112, 14, -8)},
		{color.White, roundRect(104, 100, 88, 112, 14, 0)},
		{accent, bolt(104, 100, 1.05)},
	}
	for _, l := range layers {
		draw.DrawMask(img, img.Bounds(), image.NewUniform(l.c), image.Point{}, coverage(s, l.shape), image.Point{}, draw.Over)
	}
	return img
}

// drawOutline draws the 32×32 icon: the same deck in white lines on
// transparency, with a filled bolt.
func drawOutline() *image.NRGBA {
	const s = OutlineSize
	mark := union(
		minus(frame(13, 13.5, 17, 22, 3, 2, -10), roundRect(18.5, 17.5, 20, 25, 4.5, 0)),
		frame(18.5, 17.5, 17, 22, 3, 2, 0),
		bolt(18.5, 17.5, 0.2),
	)
	m := coverage(s, mark)
	img := image.NewNRGBA(m.Bounds())
	for i, a := range m.Pix {
		copy(img.Pix[4*i:], []byte{255, 255, 255, a})
	}
	return img
}

// TestIconsUpToDate checks that the committed PNGs show exactly what the
// drawing code draws (comparing pixels, not bytes, so a different zlib does
// not matter). With -update it rewrites them.
func TestIconsUpToDate(t *testing.T) {
	for _, tc := range []struct {
		file string
		img  *image.NRGBA
		got  []byte
	}{
		{ColorFile, drawColor(), colorPNG},
		{OutlineFile, drawOutline(), outlinePNG},
	} {
		if *update {
			var buf bytes.Buffer
			enc := png.Encoder{CompressionLevel: png.BestCompression}
			if err := enc.Encode(&buf, tc.img); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join("assets", tc.file), buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		committed, err := png.Decode(bytes.NewReader(tc.got))
		if err != nil {
			t.Fatalf("%s: %v", tc.file, err)
		}
		if committed.Bounds() != tc.img.Bounds() {
			t.Fatalf("%s is %v, the drawing is %v; run go generate ./appmanifest", tc.file, committed.Bounds(), tc.img.Bounds())
		}
		for y := range tc.img.Bounds().Dy() {
			for x := range tc.img.Bounds().Dx() {
				got := color.NRGBAModel.Convert(committed.At(x, y))
				if want := tc.img.NRGBAAt(x, y); got != want {
					t.Fatalf("%s pixel (%d,%d) = %v, the drawing gives %v; run go generate ./appmanifest", tc.file, x, y, got, want)
				}
			}
		}
	}
}
