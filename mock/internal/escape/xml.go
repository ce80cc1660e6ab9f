package escape

import (
	"bytes"
	"encoding/xml"
)

// XMLHeader starts every XML answer, success or error.
const XMLHeader = `<?xml version="1.0" encoding="UTF-8"?>` + "\n"

// XMLText is s escaped as XML character data.
func XMLText(s string) string {
	var b bytes.Buffer
	WriteXMLText(&b, []byte(s))
	return b.String()
}

// WriteXMLText writes s escaped as XML character data; characters XML
// cannot hold become U+FFFD.
func WriteXMLText(w *bytes.Buffer, s []byte) { _ = xml.EscapeText(w, s) }
