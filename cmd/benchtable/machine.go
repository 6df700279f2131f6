package main

import (
	"bufio"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
)

// describeMachine is one line about the machine the suite ran on: cores,
// CPU model, memory, operating system and Go version. What it cannot read
// it leaves out.
func describeMachine() string {
	parts := []string{fmt.Sprintf("%d cores", runtime.NumCPU())}
	if model := field(readFile("/proc/cpuinfo"), "model name", ":"); model != "" {
		parts = append(parts, model)
	}
	if kb, err := strconv.ParseFloat(strings.TrimSuffix(field(readFile("/proc/meminfo"), "MemTotal", ":"), " kB"), 64); err == nil {
		parts = append(parts, fmt.Sprintf("%.1f GiB", kb/(1<<20)))
	}
	osName := runtime.GOOS + "/" + runtime.GOARCH
	if pretty := strings.Trim(field(readFile("/etc/os-release"), "PRETTY_NAME", "="), `"`); pretty != "" {
		osName = pretty + ", " + osName
	}
	return strings.Join(append(parts, osName, runtime.Version()), ", ")
}

// field returns the value of the first line of text whose key, before sep,
// is key, trimmed of spaces: field("model name\t: AMD EPYC", "model name",
// ":") is "AMD EPYC".
func field(text, key, sep string) string {
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), sep)
		if ok && strings.TrimSpace(k) == key {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

func readFile(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	return string(b)
}
