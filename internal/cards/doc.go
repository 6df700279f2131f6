// Package cards builds the Adaptive Cards (schema 1.5, the most Teams renders)
// and the Bot Framework OAuth card that FlowDeck sends: approval cards with
// Universal Actions, failure alerts, the daily digest, and the bot's list,
// pick-list, error, help and sign-in cards.
//
// Every builder is a pure function of its inputs: no clock, no I/O, no map
// iteration, so its output is byte-for-byte reproducible and golden-file
// tested (go test ./internal/cards -update rewrites testdata/*.json). Every
// card is parsed by the official adaptivecards JavaScript library in the
// tests (testdata/validate).
//
// # User text
//
// Strings that come from users or upstream systems (flow names, approval
// titles, comments, error messages, people's names) are never trusted as
// markup:
//
//   - In TextBlock and Fact (where hosts interpret a markdown subset) they are
//     escaped with a backslash before every markdown-significant character, so
//     "[click](https://evil)" and "**bold**" show as typed; see [Escape].
//   - Long free text (comments, error messages) goes into a RichTextBlock,
//     whose TextRuns are never markdown, so it shows exactly as typed.
//   - Approval details are markdown written for Power Automate: formatting
//     (bold, italic, lists, line breaks) is kept, but every link and image is
//     rewritten to "text (url)" so a label can never hide where it points;
//     see [SafeMarkdown].
//   - Everything is trimmed (names 80 characters, error messages 400 at a
//     word boundary, details 3,000) with an ellipsis, and button labels are
//     plain text trimmed to 40.
//   - Only http and https URLs from upstream data become buttons.
//
// HTML needs no escaping: Adaptive Cards never render it, and encoding/json
// writes <, > and & as \u003c, \u003e and \u0026.
//
// Times are written with the Adaptive Card {{DATE()}} and {{TIME()}}
// functions, so each viewer sees them in their own time zone and locale.
package cards
