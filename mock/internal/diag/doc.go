// Package diag reports what is wrong in the mock's own files at load time:
// a Problem names the file, the line and the field, and Problems gathers
// them so a load reports everything at once. It reads YAML and JSON keeping
// each value's line (YAMLFile, JSONNode), turns JSON pointers into the
// dotted field names problems show, and suggests the closest spelling of a
// name that matches none.
package diag
