package screen

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/lipgloss/v2"

	"dsdemo/tui/history"
)

// A picture of tiles (trace.Tile) that a node fills in piece by piece is
// drawn beside the topology, for any model whose programs report tiles:
//
//	master: tiles 12/32
//	█1▓2░1··········
//	▒2█1············
//	1 worker-1 · 2 worker-2
//
// Each cell is two characters: its shade (█ dark to ░ light; · not yet
// done) and the mark of the node that did it, explained in the last line.
// Characters, not colours, so the picture reads with NO_COLOR and on a
// projector that washes colours out.

// shades are the cells' characters from dark (shade 0) to light (1).
var shades = []rune{'█', '▓', '▒', '░'}

// marks name the nodes that did the work, in the order of their names.
const marks = "123456789abcdefghijklmnopqrstuvwxyz"

// picturePane is the picture the live view draws, if any node reports one.
type picturePane struct {
	node, key string
	p         *history.Picture
	cellW     int // 2 (shade and mark) or 1 (the mark only) on a narrow screen
	width     int // 0: nothing to draw
	height    int
	who       []string // the nodes that did cells, in the order of their marks
}

// layout finds the first picture of the scene's nodes and sizes it for a
// screen width wide and height high beside the topology.
func (pp *picturePane) layout(sc *scene, wide, height int) {
	*pp = picturePane{}
	node, key, p := firstPicture(sc)
	if p == nil || wide < 60 || height < 3 {
		return
	}
	most := wide / 3
	cellW := 2
	if p.W*2 > most {
		cellW = 1
	}
	pp.node, pp.key, pp.p, pp.cellW, pp.height = node, key, p, cellW, height
	seen := map[string]bool{}
	for _, c := range p.Cells {
		if c.Done && c.By != "" && !seen[c.By] {
			seen[c.By] = true
			pp.who = append(pp.who, c.By)
		}
	}
	slices.Sort(pp.who)
	pp.width = min(max(p.W*cellW, len([]rune(pp.title())), len([]rune(pp.legend()))), most)
}

func firstPicture(sc *scene) (node, key string, p *history.Picture) {
	for _, name := range sc.nodes {
		n := sc.store.Node(name)
		if n == nil {
			continue
		}
		for _, k := range n.Keys {
			if p := n.Pictures[k]; p != nil {
				return name, k, p
			}
		}
	}
	return "", "", nil
}

func (pp *picturePane) title() string {
	return fmt.Sprintf("%s: %s %d/%d", pp.node, pp.key, pp.p.Filled, pp.p.W*pp.p.H)
}

// mark is the character of the node that did a cell.
func (pp *picturePane) mark(by string) string {
	i := slices.Index(pp.who, by)
	if i < 0 || i >= len(marks) {
		return "?"
	}
	return marks[i : i+1]
}

// view draws the picture: its title, its rows, and which mark is whose.
func (pp *picturePane) view() string {
	if pp.width == 0 {
		return ""
	}
	p := pp.p
	lines := []string{pp.title()}
	rows := min(p.H, max(pp.height-2, 1)) // the legend needs a line too; a tall grid is cut
	for y := range rows {
		var b strings.Builder
		for x := range p.W {
			c := p.Cell(x, y)
			switch {
			case !c.Done:
				b.WriteString(strings.Repeat("·", pp.cellW))
			case pp.cellW == 2:
				b.WriteRune(shades[min(int(c.Shade*float64(len(shades))), len(shades)-1)])
				b.WriteString(pp.mark(c.By))
			default:
				b.WriteString(pp.mark(c.By))
			}
		}
		lines = append(lines, b.String())
	}
	lines = append(lines, pp.legend())
	return fit(strings.Join(lines, "\n"), pp.width, pp.height)
}

// legend says whose mark is whose.
func (pp *picturePane) legend() string {
	var legend []string
	for _, w := range pp.who {
		legend = append(legend, pp.mark(w)+" "+w)
	}
	return strings.Join(legend, " · ")
}

// besides is how many columns the picture takes from the topology: its
// width and a blank column; 0 when there is none.
func (pp *picturePane) besides() int {
	if pp.width == 0 {
		return 0
	}
	return pp.width + 1
}

// nextTo draws the picture to the right of the topology's view.
func (pp *picturePane) nextTo(topo string, topoW int) string {
	if pp.width == 0 {
		return topo
	}
	return lipgloss.JoinHorizontal(lipgloss.Top, fit(topo, topoW, pp.height), " ", pp.view())
}
