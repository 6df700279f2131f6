package main

import "testing"

func TestField(t *testing.T) {
	const (
		cpuinfo = "processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC 7B13\nprocessor\t: 1\nmodel name\t: AMD EPYC 7B13\n"
		meminfo = "MemTotal:       24567892 kB\nMemFree:        23000000 kB\n"
		osrel   = "NAME=\"Debian GNU/Linux\"\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n"
	)
	tests := []struct{ text, key, sep, want string }{
		{cpuinfo, "model name", ":", "AMD EPYC 7B13"},
		{meminfo, "MemTotal", ":", "24567892 kB"},
		{osrel, "PRETTY_NAME", "=", `"Debian GNU/Linux 12 (bookworm)"`},
		{cpuinfo, "flags", ":", ""},
		{"", "model name", ":", ""},
	}
	for _, tt := range tests {
		if got := field(tt.text, tt.key, tt.sep); got != tt.want {
			t.Errorf("field(%q, %q) = %q, want %q", tt.text, tt.key, got, tt.want)
		}
	}
}
