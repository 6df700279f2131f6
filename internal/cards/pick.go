package cards

import "strconv"

// PickPageSize is how many candidates one page of a pick list shows.
const PickPageSize = 5

// PickPage is one page of a pick list: the candidates from offset on
// (each a button that runs command again with it, and its detail line:
// what tells same-named flows apart), and, when more follow, a More button
// (list.more) whose cursor is "pick:<next offset>".
func PickPage(question, command string, candidates []Candidate, offset int) *AdaptiveCard {
	q := Trim(OneLine(question), maxTitle)
	c := newCard(q, heading(Escape(q)))
	offset = max(0, min(offset, len(candidates)))
	end := min(offset+PickPageSize, len(candidates))
	if len(candidates) > PickPageSize {
		c.Body = append(c.Body, subtle(strconv.Itoa(offset+1)+"–"+strconv.Itoa(end)+" of "+strconv.Itoa(len(candidates))))
	}
	for i, cand := range candidates[offset:end] {
		items := []Element{}
		if cand.Detail != "" {
			items = append(items, subtle(Escape(Trim(OneLine(cand.Detail), 300))))
		}
		items = append(items, &ActionSet{Actions: []Action{&ExecuteAction{Title: label(cand.Title), Verb: VerbPick, Data: PickData{Command: command, Choice: cand.Value}}}})
		c.Body = append(c.Body, &Container{Items: items, Separator: i > 0, Spacing: "Small"})
	}
	if end < len(candidates) {
		c.Actions = append(c.Actions, &ExecuteAction{Title: "More", Verb: VerbListMore, Data: MoreData{Command: command, Cursor: "pick:" + strconv.Itoa(end)}})
	}
	return c
}

// DidYouMeanCard answers a flow name that matched nothing with the close
// ones: each button runs command again with that flow, keeping the rest of
// the command.
func DidYouMeanCard(typed, command string, candidates []Candidate) *AdaptiveCard {
	c := PickPage("Did you mean one of these?", command, candidates[:min(len(candidates), PickPageSize)], 0)
	c.Body = append(c.Body[:1], append([]Element{para("No flow is called **" + name(typed) + "**; these names are close.")}, c.Body[1:]...)...)
	return c
}
