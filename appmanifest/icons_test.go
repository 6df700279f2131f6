package appmanifest

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"testing"
)

func decodePNG(t *testing.T, name string, b []byte) image.Image {
	t.Helper()
	cfg, format, err := image.DecodeConfig(bytes.NewReader(b))
	if err != nil || format != "png" {
		t.Fatalf("%s: format %q, err %v; want a PNG", name, format, err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if img.Bounds().Dx() != cfg.Width {
		t.Fatalf("%s: config and image disagree", name)
	}
	return img
}

func TestColorIcon(t *testing.T) {
	c, _ := Icons()
	img := decodePNG(t, ColorFile, c)
	if got := img.Bounds(); got != image.Rect(0, 0, 192, 192) {
		t.Fatalf("color.png is %v, want 192×192", got)
	}
	colors := map[color.NRGBA]bool{}
	for y := range 192 {
		for x := range 192 {
			p := color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)
			if p.A != 0xFF {
				t.Fatalf("color.png pixel (%d,%d) = %v, want opaque", x, y, p)
			}
			colors[p] = true
		}
	}
	if corner := color.NRGBAModel.Convert(img.At(0, 0)); corner != accent {
		t.Errorf("color.png background = %v, want AccentColor %v", corner, accent)
	}
	if !colors[color.NRGBA{255, 255, 255, 255}] || len(colors) < 10 {
		t.Errorf("color.png has %d colours and white=%v: want a white mark, anti-aliased", len(colors), colors[color.NRGBA{255, 255, 255, 255}])
	}
}

func TestOutlineIcon(t *testing.T) {
	_, o := Icons()
	img := decodePNG(t, OutlineFile, o)
	if got := img.Bounds(); got != image.Rect(0, 0, 32, 32) {
		t.Fatalf("outline.png is %v, want 32×32", got)
	}
	var opaque, transparent, partial int
	for y := range 32 {
		for x := range 32 {
			p := color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)
			switch {
			case p.A == 0:
				transparent++
			case p.R != 0xFF || p.G != 0xFF || p.B != 0xFF:
				t.Fatalf("outline.png pixel (%d,%d) = %v, want white or fully transparent", x, y, p)
			case p.A == 0xFF:
				opaque++
			default:
				partial++
			}
		}
	}
	for _, corner := range []image.Point{{0, 0}, {31, 0}, {0, 31}, {31, 31}} {
		if _, _, _, a := img.At(corner.X, corner.Y).RGBA(); a != 0 {
			t.Errorf("outline.png corner %v is not transparent: the background must be", corner)
		}
	}
	if opaque < 50 || transparent < 32*32/2 || partial == 0 {
		t.Errorf("outline.png: %d white, %d anti-aliased, %d transparent pixels; want a visible, anti-aliased mark on transparency", opaque, partial, transparent)
	}
}

func TestIconsAreCopies(t *testing.T) {
	c, o := Icons()
	c[0], o[0] = 0, 0
	c2, o2 := Icons()
	if c2[0] == 0 || o2[0] == 0 {
		t.Error("Icons returns the embedded slices; changing them corrupts later packages")
	}
}
