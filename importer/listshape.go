package importer

import (
	"strings"

	"go.yaml.in/yaml/v4"
)

// The shape of a stateless list, inferred from the response schema and
// the parameters, written as x-mock-page and x-mock-echo (the server's
// mock/internal/contract/listshape.go reads them).
//
// Page: an object with an integer total field (TotalCount, Total, Count)
// holds a list: the one array nearest under it (through objects, not
// arrays), else under the object that holds it, in the same array item.
// The operation's PageNumber and PageSize parameters (integers or
// strings) choose the page;
// PageNumber or PageIndex beside the total shows the number, PageSize the
// size; an integer the metadata describes as counting this page's items
// (本页…), beside the total or one object up, shows how many it shows.
// Echo: a scalar named as a parameter of the same type (not a repeat
// list) shows the request's value: outside arrays any name, inside arrays
// only ids and names (…Id, …ID, …Name), which the request filters by. A
// string outside arrays is echoed by the fixture's own template already
// (sample.go), so it is left out here.

type pageShape struct {
	items, total, count    string // count: the items this page shows, "" when none
	number, size           string // response fields, "" when none
	numberParam, sizeParam string
}

type echoShape struct{ path, param string }

var (
	totalNames  = map[string]bool{"TotalCount": true, "Total": true, "Count": true}
	numberNames = map[string]bool{"PageNumber": true, "PageIndex": true}
)

// listShape infers op's pages and echoes.
func (c *converter) listShape(op *operation) ([]pageShape, []echoShape) {
	params := map[string]*param{}
	for _, p := range op.params {
		if p.style == "" {
			params[p.name] = p
		}
	}
	var pages []pageShape
	pageFields := map[string]bool{}
	var walk func(s *schema, prefix string, parents []*schema)
	walk = func(s *schema, prefix string, parents []*schema) {
		if s == nil {
			return
		}
		if s.Type == "object" {
			if pg, ok := c.pageAt(s, prefix, parents, params); ok {
				pages = append(pages, pg)
				for _, f := range []string{pg.total, pg.count, pg.number, pg.size} {
					pageFields[f] = f != ""
				}
			}
			for _, p := range s.Props {
				switch p.Schema.Type {
				case "object":
					walk(p.Schema, prefix+p.Name+".", append(parents, s))
				case "array":
					walk(p.Schema.Items, prefix+p.Name+"[].", nil) // an array item starts afresh
				}
			}
		}
	}
	walk(op.response, "", nil)

	var echoes []echoShape
	var leaves func(s *schema, prefix string, inArray bool)
	leaves = func(s *schema, prefix string, inArray bool) {
		if s == nil {
			return
		}
		for _, p := range s.Props {
			path := prefix + p.Name
			switch t := p.Schema.Type; {
			case t == "object":
				leaves(p.Schema, path+".", inArray)
			case t == "array":
				leaves(p.Schema.Items, path+"[].", true)
			case pageFields[path] || (t == "string" && !inArray):
			case (t == "string" || t == "integer") && params[p.Name] != nil && params[p.Name].schema.Type == t:
				if !inArray || strings.HasSuffix(p.Name, "Id") || strings.HasSuffix(p.Name, "ID") || strings.HasSuffix(p.Name, "Name") {
					echoes = append(echoes, echoShape{path, p.Name})
				}
			}
		}
	}
	leaves(op.response, "", false)
	return pages, echoes
}

// pageAt is the list whose total field s holds, if any.
func (c *converter) pageAt(s *schema, prefix string, parents []*schema, params map[string]*param) (pageShape, bool) {
	var pg pageShape
	for _, p := range s.Props {
		if p.Schema.Type != "integer" {
			continue
		}
		switch {
		case totalNames[p.Name] && pg.total == "":
			pg.total = prefix + p.Name
		case numberNames[p.Name] && pg.number == "":
			pg.number = prefix + p.Name
		case p.Name == "PageSize":
			pg.size = prefix + p.Name
		}
	}
	if pg.total == "" {
		return pg, false
	}
	type holder struct {
		s      *schema
		prefix string
	}
	holders := []holder{{s, prefix}}
	if len(parents) > 0 {
		holders = append(holders, holder{parents[len(parents)-1], prefix[:strings.LastIndex(strings.TrimSuffix(prefix, "."), ".")+1]})
	}
	arrays := nearestArrays(s, prefix)
	if len(arrays) == 0 && len(holders) > 1 {
		arrays = nearestArrays(holders[1].s, holders[1].prefix)
	}
	// A field the metadata says counts this page's items (DescribeCdnDomainLogs'
	// LogCount), beside the total or one object up.
	for _, h := range holders {
		for _, p := range h.s.Props {
			if p.Schema.PageCount && pg.count == "" {
				pg.count = h.prefix + p.Name
			}
		}
	}
	if len(arrays) != 1 {
		c.note("%s counts %d arrays at the nearest depth (%s); no x-mock-page", pg.total, len(arrays), strings.Join(arrays, ", "))
		return pg, false
	}
	pg.items = arrays[0]
	// The page follows the parameters, shown or not; a field no parameter
	// sets is left as the fixture has it.
	if p := params["PageNumber"]; pageParam(p) {
		pg.numberParam = p.name
	} else {
		pg.number = ""
	}
	if p := params["PageSize"]; pageParam(p) {
		pg.sizeParam = p.name
	} else {
		pg.size = ""
	}
	return pg, true
}

// pageParam says whether p can set a page: an integer, or a string (the
// metadata types the export-task lists' pages so; the server reads either
// as a number).
func pageParam(p *param) bool {
	return p != nil && (p.schema.Type == "integer" || p.schema.Type == "string")
}

// nearestArrays lists the shallowest arrays under s, through objects.
func nearestArrays(s *schema, prefix string) []string {
	type at struct {
		s    *schema
		path string
	}
	level := []at{{s, prefix}}
	for len(level) > 0 {
		var found []string
		var next []at
		for _, l := range level {
			for _, p := range l.s.Props {
				switch p.Schema.Type {
				case "array":
					found = append(found, l.path+p.Name)
				case "object":
					next = append(next, at{p.Schema, l.path + p.Name + "."})
				}
			}
		}
		if len(found) > 0 {
			return found
		}
		level = next
	}
	return nil
}

// listShapeNodes are the x-mock-page and x-mock-echo of op, nil when none
// or when the hand-written spec defines op: it replaces the operation
// wholesale, so the server would never read them.
func (c *converter) listShapeNodes(op *operation) (page, echo *node) {
	if c.opts.Hand[op.name] {
		return nil, nil
	}
	c.op = op.name // notes name it
	defer func() { c.op = "" }()
	pages, echoes := c.listShape(op)
	if len(pages) > 0 {
		page = blockSeq()
		for _, pg := range pages {
			n := mapping()
			put(n, "items", str(pg.items))
			for _, f := range []struct{ key, field, param string }{{"number", pg.number, pg.numberParam}, {"size", pg.size, pg.sizeParam}} {
				if f.param != "" {
					fn := mapping()
					fn.Style = yaml.FlowStyle
					if f.field != "" {
						put(fn, "field", str(f.field))
					}
					put(fn, "param", str(f.param))
					put(n, f.key, fn)
				}
			}
			put(n, "total", str(pg.total))
			if pg.count != "" {
				put(n, "count", str(pg.count))
			}
			page.Content = append(page.Content, n)
		}
	}
	if len(echoes) > 0 {
		echo = mapping()
		for _, e := range echoes {
			put(echo, e.path, str(e.param))
		}
	}
	return page, echo
}
