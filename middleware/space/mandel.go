package space

import (
	"encoding/base64"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"strings"
)

// The Mandelbrot set's part of the plane the picture shows.
const (
	reMin, reMax = -2.2, 0.8
	imMin, imMax = -1.2, 1.2
)

// Tile is one piece of the picture: pixels X0 to X1 (exclusive) and Y0
// to Y1 of a picture Width by Height pixels, at most Iter iterations per
// pixel. A task entry carries everything a worker needs to compute it,
// so any worker can do any tile: the space holds the work, not a master
// that hands it out.
type Tile struct {
	Job                  string
	N                    int // its number, row by row from 0
	X0, Y0, X1, Y1       int
	Width, Height, Iter  int
	Col, Row, Cols, Rows int
}

// The entry types of the compute farm.
const (
	TypeTask   = "task"
	TypeResult = "result"
)

// Tiles cuts a picture of w by h pixels into cols by rows tiles.
func Tiles(job string, w, h, cols, rows, iter int) []Tile {
	var ts []Tile
	for r := range rows {
		for c := range cols {
			ts = append(ts, Tile{Job: job, N: r*cols + c, Col: c, Row: r, Cols: cols, Rows: rows,
				X0: c * w / cols, X1: (c + 1) * w / cols, Y0: r * h / rows, Y1: (r + 1) * h / rows,
				Width: w, Height: h, Iter: iter})
		}
	}
	return ts
}

// TaskEntry is the entry a master writes for tile t.
func (t Tile) TaskEntry() Entry {
	return Entry{Type: TypeTask, Fields: map[string]any{
		"job": t.Job, "tile": float64(t.N), "col": float64(t.Col), "row": float64(t.Row),
		"cols": float64(t.Cols), "rows": float64(t.Rows),
		"x0": float64(t.X0), "y0": float64(t.Y0), "x1": float64(t.X1), "y1": float64(t.Y1),
		"width": float64(t.Width), "height": float64(t.Height), "iter": float64(t.Iter)}}
}

// TileOf reads a task entry back, checking that its numbers make sense
// (a worker takes whatever a stranger wrote into the space).
func TileOf(e Entry) (Tile, error) {
	num := func(k string) int {
		f, _ := e.Fields[k].(float64)
		return int(f)
	}
	job, _ := e.Fields["job"].(string)
	t := Tile{Job: job, N: num("tile"), Col: num("col"), Row: num("row"), Cols: num("cols"), Rows: num("rows"),
		X0: num("x0"), Y0: num("y0"), X1: num("x1"), Y1: num("y1"),
		Width: num("width"), Height: num("height"), Iter: num("iter")}
	switch {
	case e.Type != TypeTask || job == "":
		return t, fmt.Errorf("not a task entry: %s", e)
	case t.Width < 1 || t.Height < 1 || t.Width > MaxPicture || t.Height > MaxPicture:
		return t, fmt.Errorf("task %d: a picture of %dx%d is not within 1x1 and %dx%d", t.N, t.Width, t.Height, MaxPicture, MaxPicture)
	case t.X0 < 0 || t.Y0 < 0 || t.X1 <= t.X0 || t.Y1 <= t.Y0 || t.X1 > t.Width || t.Y1 > t.Height:
		return t, fmt.Errorf("task %d: pixels %d-%d x %d-%d are not a part of the picture", t.N, t.X0, t.X1, t.Y0, t.Y1)
	case (t.X1-t.X0)*(t.Y1-t.Y0) > MaxTilePixels:
		return t, fmt.Errorf("task %d: a tile has at most %d pixels", t.N, MaxTilePixels)
	case t.Iter < 1 || t.Iter > MaxIter:
		return t, fmt.Errorf("task %d: iterations must be from 1 to %d, not %d", t.N, MaxIter, t.Iter)
	}
	return t, nil
}

// The bounds of the farm's pictures.
const (
	MaxPicture    = 4096
	MaxTilePixels = 32 << 10 // its result entry, base64, stays below MaxEntryBytes
	MaxIter       = 100000
)

// Compute computes the tile: one byte per pixel, row by row, 0 for a
// point in the set and 1 to 255 for how fast it escapes.
func (t Tile) Compute() []byte {
	px := make([]byte, 0, (t.X1-t.X0)*(t.Y1-t.Y0))
	for y := t.Y0; y < t.Y1; y++ {
		ci := imMin + (imMax-imMin)*(float64(y)+0.5)/float64(t.Height)
		for x := t.X0; x < t.X1; x++ {
			cr := reMin + (reMax-reMin)*(float64(x)+0.5)/float64(t.Width)
			px = append(px, escape(cr, ci, t.Iter))
		}
	}
	return px
}

func escape(cr, ci float64, iter int) byte {
	zr, zi := 0.0, 0.0
	for i := range iter {
		zr, zi = zr*zr-zi*zi+cr, 2*zr*zi+ci
		if zr*zr+zi*zi > 4 {
			return byte(1 + i*254/iter)
		}
	}
	return 0
}

// ResultEntry is the entry a worker writes for tile t computed by node by.
func (t Tile) ResultEntry(by string, px []byte) Entry {
	return Entry{Type: TypeResult, Fields: map[string]any{
		"job": t.Job, "tile": float64(t.N), "by": by, "shade": Shade(px),
		"pixels": base64.StdEncoding.EncodeToString(px)}}
}

// Shade is how dark a tile is on average, from 0 (all in the set) to 1.
func Shade(px []byte) float64 {
	if len(px) == 0 {
		return 0
	}
	sum := 0
	for _, p := range px {
		sum += int(p)
	}
	return float64(sum) / float64(255*len(px))
}

// Picture is the master's picture, filled in tile by tile.
type Picture struct {
	W, H int
	Pix  []byte
}

// NewPicture returns an empty picture.
func NewPicture(w, h int) *Picture { return &Picture{W: w, H: h, Pix: make([]byte, w*h)} }

// Put copies a computed tile into the picture.
func (p *Picture) Put(t Tile, px []byte) error {
	w, h := t.X1-t.X0, t.Y1-t.Y0
	if len(px) != w*h {
		return fmt.Errorf("tile %d has %d pixels, not %d", t.N, len(px), w*h)
	}
	for y := range h {
		copy(p.Pix[(t.Y0+y)*p.W+t.X0:], px[y*w:(y+1)*w])
	}
	return nil
}

// colour maps a pixel's value to a colour: the set black, the rest from
// deep blue to yellow.
func colour(v byte) color.RGBA {
	if v == 0 {
		return color.RGBA{A: 255}
	}
	f := float64(v) / 255
	return color.RGBA{R: byte(255 * min(1, 2*f)), G: byte(255 * f), B: byte(255 * (1 - f)), A: 255}
}

// Write writes the picture as PNG when name ends in .png, else as PPM.
func (p *Picture) Write(w io.Writer, name string) error {
	if strings.HasSuffix(strings.ToLower(name), ".png") {
		img := image.NewRGBA(image.Rect(0, 0, p.W, p.H))
		for i, v := range p.Pix {
			img.SetRGBA(i%p.W, i/p.W, colour(v))
		}
		return png.Encode(w, img)
	}
	buf := fmt.Appendf(nil, "P6\n%d %d\n255\n", p.W, p.H)
	for _, v := range p.Pix {
		c := colour(v)
		buf = append(buf, c.R, c.G, c.B)
	}
	_, err := w.Write(buf)
	return err
}

// decodePixels reads a result's pixels.
func decodePixels(e Entry) ([]byte, error) {
	s, _ := e.Fields["pixels"].(string)
	return base64.StdEncoding.DecodeString(s)
}
