#!/usr/bin/env python3
"""convert.py — the pySigma backends' half of the languages round trip.

ruledex reads SPL, KQL, Elastic (Lucene, EQL, ES|QL) and YARA-L rules with
hand-written readers (src/front/).  No parser for SPL or YARA-L exists to
check them against, so the oracle is a round trip through code that no one
here wrote: pySigma's own backends convert each SigmaHQ rule into every
language, ruledex reads the converted rule back, and both the converted
rule and the Sigma original are run over the same events (run.sh,
compare.py).  This script does the conversion and writes each result in the
shape ruledex's readers read (docs/ORACLE.md, "Languages round trip"):

  OUT/sigma/ID.yml     the original, without its logsource
  OUT/sigma-HOW/ID.yml the same, rewritten by an emulation (see below)
  OUT/splunk/ID.yml    security_content-like YAML, `search:` holds the SPL
                       (the splunk backend's, its defects repaired:
                       RepairedSplunkBackend)
  OUT/kusto/ID.yaml    Sentinel-like YAML, `query: SigmaEvents | where ...`
                       (the backend's defects repaired: RepairedKustoBackend)
  OUT/lucene/ID.toml   Elastic TOML, language = "lucene"
  OUT/eql/ID.toml      Elastic TOML, language = "eql" (the elasticsearch
                       backend's escaping repaired: RepairedEqlBackend)
  OUT/esql/ID.toml     Elastic TOML, language = "esql" (RepairedESQLBackend)
  OUT/yaral/ID.yaral   the secops backend's YARA-L rule (its defects repaired:
                       RepairedSecOpsBackend)
  OUT/fields.yml       a field map in which every Sigma field the rules use
                       is itself in every language (see below)
  OUT/convert.jsonl    per rule and backend: converted, or why not

No processing pipeline is applied: the backends keep Sigma's field names,
so the comparison is about the *language* (operators, wildcards, escapes,
case, boolean structure), which is what the readers own.  The field map of
the run (OUT/fields.yml, given to ruledex through RULEDEX_DATA) maps each
of those names to itself, so nothing is lost to the `LANG:Field` prefix of
unmapped names.  Without a pipeline the backends also drop the logsource;
the Sigma original loses it alike, so both are evaluated on the same
events.  A table no reader routes (`SigmaEvents`) keeps the KQL
rules unrouted too.

Usage: convert.py OUT RULE.yml...   (pySigma and the four backends installed)
"""

import copy
import fnmatch
import json
import os
import re
import sys

import yaml
from sigma.backends.elasticsearch import EqlBackend, ESQLBackend, LuceneBackend
from sigma.backends.kusto import KustoBackend
from sigma.backends.secops import SecOpsBackend
from sigma.backends.splunk import SplunkBackend
from sigma.backends.splunk.splunk import SplunkDeferredORRegularExpression
from sigma.collection import SigmaCollection
from sigma.exceptions import SigmaFeatureNotSupportedByBackendError
from sigma.conditions import (ConditionAND, ConditionFieldEqualsValueExpression, ConditionNOT,
                              ConditionOR)
from sigma.conversion.base import TextQueryBackend
from sigma.pipelines.secops.postprocessing import YaraLPostprocessingTransformation
from sigma.pipelines.secops.transformations import PrependEventVariableTransformation
from sigma.processing.pipeline import ProcessingItem, ProcessingPipeline, QueryPostprocessingItem
from sigma.rule import SigmaDetection, SigmaDetectionItem
from sigma.types import (SigmaNumber, SigmaRegularExpression, SigmaRegularExpressionFlag,
                         SigmaString, SpecialChars)


# A UDM path after `$event1.`: names and dots only (what YARA-L's field
# syntax can hold; `cs-method` is a subtraction there)
UDM_PATH = re.compile(r"\w+(?:\.\w+)*")


def yaral_string(s):
    """Text inside a YARA-L double-quoted string: `\\`, `"` and line
    breaks escaped (a string is one line; `\\n`, like the `\\t` of
    Google's syntax page, is its escape)."""
    return (str(s).replace("\\", "\\\\").replace('"', '\\"')
            .replace("\r", "\\r").replace("\n", "\\n"))


class EscapedMetaYaraLPostprocessing(YaraLPostprocessingTransformation):
    """The secops backend's YARA-L rule text, its meta strings escaped:
    the stock transformation writes the rule's title, description, author,
    references and false positives between double quotes as they are."""

    def apply(self, rule, query):
        r = copy.copy(rule)
        r.title = yaral_string(rule.title)
        r.description = yaral_string(rule.description) if rule.description is not None else None
        r.author = yaral_string(rule.author) if rule.author is not None else None
        r.references = [yaral_string(x) for x in rule.references or []]
        r.falsepositives = [yaral_string(x) for x in rule.falsepositives or []]
        return super().apply(r, query)


class RepairedSecOpsBackend(SecOpsBackend):
    """The secops backend 1.0.0 with its boolean and value-list defects
    repaired, so that the YARA-L the reader gets means what the Sigma rule
    means and the round trip tests the reader, not the backend.  Stock
    1.0.0 (every case seen in the whole-corpus run, docs/ORACLE.md):
      - precedence is declared lowest first (OR, AND, NOT) where pySigma
        expects highest first, so an OR inside an AND is not parenthesised
        (`a AND x OR y AND b`; YARA-L binds `and` tighter);
      - NOT is written as `!=` on every leaf below it, without De Morgan:
        `not (a and b)` becomes `a' != AND b' !=`, and `not (a or b)` keeps
        the OR;
      - a value list becomes one regex alternation /a|b/ that keeps no
        anchor (an endswith or equals list matches anywhere) and does not
        escape the plain values (`.`, `(`);
      - a Sigma `re` value has its backslashes doubled inside /.../, and
        is written `nocase` where Sigma's `re` is case-sensitive (its `i`
        modifier is a (?i) prefix);
      - a plain value holding a literal `*` or `?` is written unquoted.
    The repairs use pySigma's own machinery: the right precedence and the
    base class's and/or/not (which group by precedence and write `not`),
    one comparison per value, the escape character left alone in regexes,
    and a value with an inner wildcard as an anchored regex (the stock
    backend only ever wrote those inside an alternation).

    Repaired after the whole-corpus structure run (docs/ORACLE.md, "The
    repaired YARA-L backend: repairs from the whole-corpus run"; rules
    counted over the 3,754 SigmaHQ rules):
      - a field name that is no UDM path (`cs-method`, `c-uri`: `-` in
        the web and proxy rules' W3C names, 139 rules) was written
        `$event1.cs-method`, which YARA-L reads as a subtraction.  Such a
        name is written as the key of the event's `additional.fields` map
        (`$event1.additional.fields["cs-method"]`), the map syntax Google
        documents for Struct fields ("Expressions, operators, and other
        constructs": `$e.udm.additional.fields["pod_name"]`), where
        SecOps keeps a log's fields that have no UDM name; the run's
        field map (main, below) maps each such key back to its name.
      - a `"`, `\\` or line break of the title, description, author,
        references or false positives was written as it is into a meta
        string, which YARA-L writes on one line, double-quoted, with
        escapes (its syntax page: "Must include escape characters"), so
        the string ended early and a `/*` after it opened a comment that
        never closed (4 rules did not parse; the meta text of 1,586
        changes): escaped now, in the output-format postprocessing
        (EscapedMetaYaraLPostprocessing).
      - a Sigma `re` had its `"` and `/` escaped with a `\\` also where the
        regex already escaped them: `\\"` became `\\\\"`, a literal
        backslash before the quote (3 rules), and `\\/` became `\\\\/`,
        an escaped backslash, then a `/` that ended the regex (1); only
        the ones not escaped yet are escaped now.
    Sigma keywords (no field: search the whole event) were written as a
    field named `None`.  YARA-L tests UDM fields only and has no search
    over an event's text, so nothing faithful can be written: the repaired
    backend refuses such rules (pySigma's own way, no
    `unbound_value_*_expression`), as RepairedEqlBackend and the stock
    ES|QL backend do (107 rules: they count as not converted, not as
    equal)."""
    precedence = (ConditionNOT, ConditionAND, ConditionOR)
    convert_not_as_not_eq = False
    not_token = "not"
    convert_or_as_in = False
    re_escape_escape_char = False
    re_expression = "{field} = /{regex}/"
    re_not_expression = "{field} != /{regex}/"
    convert_condition_not = TextQueryBackend.convert_condition_not
    convert_condition_or = TextQueryBackend.convert_condition_or
    convert_condition_and = TextQueryBackend.convert_condition_and
    output_format_processing_pipeline = {
        "default": ProcessingPipeline(),
        "yara_l": ProcessingPipeline(
            name="YARA-L 2.0 output format, meta strings escaped (convert.py)",
            priority=60, allowed_backends=["secops"],
            items=[ProcessingItem(identifier="yara_l_prepend_event_variable",
                                  transformation=PrependEventVariableTransformation(mapping={}))],
            postprocessing_items=[QueryPostprocessingItem(
                identifier="yara_l_output_format_postprocessing",
                transformation=EscapedMetaYaraLPostprocessing())]),
    }


    def convert_rule(self, rule, output_format=None, *args, **kwargs):
        # a keyword is a detection item with no field; the pipeline makes
        # its field `$event1.None` before any backend hook sees it, so the
        # refusal is here, on the rule as written
        if any(has_keyword(d) for d in rule.detection.detections.values()):
            raise SigmaFeatureNotSupportedByBackendError(
                "YARA-L has no search over an event's text: a Sigma keyword cannot be written")
        return super().convert_rule(rule, output_format, *args, **kwargs)
    def escape_and_quote_field(self, field_name):
        # `$event1.` and a name that is no UDM path: the additional-fields
        # map's key (a YARA-L string: `"` and `\` escaped)
        var, dot, name = field_name.partition(".")
        if var.startswith("$") and dot and not UDM_PATH.fullmatch(name):
            return f'{var}.additional.fields["{yaral_string(name)}"]'
        return super().escape_and_quote_field(field_name)

    def convert_value_re(self, r, state):
        # stock escapes every `"` and `/` (re_escape), also one the regex
        # escapes already: only those it does not escape yet get a `\`
        text = re.sub(r'(?<!\\)((?:\\\\)*)(["/])', r"\1\\\2", str(r.regexp))
        return SigmaRegularExpression(text, r.flags).escape((), self.re_escape_char, False,
                                                             self.re_flag_prefix)

    def convert_condition_field_eq_expansion(self, cond, state):
        # an expansion (windash) is an OR in place of one test: grouped, so
        # that `not` or an AND around it takes all of it
        expr = super().convert_condition_field_eq_expansion(cond, state)
        return self.group_expression.format(expr=expr) if isinstance(expr, str) else expr

    def decide_string_quoting(self, s):
        # stock: a literal `*` or `?` in a plain value (Sigma `\\*`) leaves
        # it unquoted, which is no YARA-L string
        return not s.contains_special()

    def convert_value_str(self, s, state, quote_string=True):
        if s.contains_special():
            return super().convert_value_str(s, state, quote_string)
        # a plain value is compared whole: only `"` and `\` need escaping
        # in a YARA-L string (stock escapes a literal `*` as `\*` too)
        v = s.convert(self.escape_char, None, None, self.str_quote + self.add_escaped, "")
        return self.quote_string(v) if quote_string else v

    def convert_condition_field_eq_val_str(self, cond, state):
        v, w = cond.value, SpecialChars.WILDCARD_MULTI
        simple = ((v.endswith(w) and not v[:-1].contains_special())
                  or (v.startswith(w) and not v[1:].contains_special())
                  or (v.startswith(w) and v.endswith(w) and not v[1:-1].contains_special()))
        if not v.contains_special() or simple:
            return super().convert_condition_field_eq_val_str(cond, state)
        rx = v.to_regex(custom_escaped=self.add_escaped_re).to_plain()
        # (?s): a Sigma `*` spans line breaks (PowerShell's Data field has them)
        return f"{self.escape_and_quote_field(cond.field)} = /(?s)^{rx}$/ nocase"



class RepairedKustoBackend(KustoBackend):
    """The kusto backend 1.0.1 with the defects that make its KQL mean
    something else than the Sigma rule repaired, so that the round trip
    tests the KQL reader, not the backend.  Each: stock 1.0.1, what KQL
    says (Microsoft's KQL reference, learn.microsoft.com/kusto/query),
    the rules of the whole-corpus run whose query it changes (403 of
    3,747 in all; docs/ORACLE.md "KQL: the repaired backend"):
      - names (246 rules): a field name that is not a plain identifier
        (`cs-host`, `properties.message`, `id.resp_p`) is quoted as a
        string, `'cs-host' =~ "x"`, and quoted again inside a value list
        with wildcards, `''cs-host''`.  KQL: `'cs-host'` is a string
        literal, so the test compares two constants; "Entity names": an
        identifier holding a space, `.` or `-` requires quoting, written
        `['name']` or `["name"]`.  Repaired: `['cs-host']`, quoted once.
      - keywords (107 rules): values without a field are written as bare
        strings, `where "x" or "y"` (a number as `0`), which is no
        predicate (`where` takes a boolean).  A Sigma keyword is a
        case-insensitive contains over the event.  KQL: `*` tests every
        column ("where operator": `Traces | where * has "Kusto"`, the word
        in any column); `contains` is the case-insensitive substring
        ("RHS occurs as a subsequence of LHS"; `has` would be a whole
        term).  Repaired: `* contains "x"`; a keyword with a wildcard
        inside (7 rules), `* matches regex "(?is)a.*b"` (the search
        operator's own translation of `search "a*b"` is `where * matches
        regex`; KQL has no glob).
      - a wildcard inside a value (86 rules): in a value list, an AND of
        `contains` of the pieces (order, adjacency and `?` lost: `*8???`
        became `contains "8"`); alone, `matches regex ".*a.*b"`, neither
        anchored (`endswith "1?"` matched anywhere) nor case-insensitive.
        KQL: `matches regex` is RE2 and searches ("LHS contains a match
        for RHS"), case-sensitive.  Repaired: `matches regex
        "(?is)^a.*b$"` — the glob anchored at both ends, `i` for Sigma's
        case-insensitive default, `s` so that `*` spans line breaks as
        Sigma's does.
      - an AND value list (0 rules: no corpus rule has plain values
        under `|all`): plain values become `f has_all ("a", "b")`, a test
        of whole terms, where Sigma means every test holds.  Repaired:
        the AND of the tests as the base class writes it; it also keeps
        the value-list hook below to ORs.
    The repairs are pySigma's own hooks: escape_and_quote_field, the
    value-only and field = string conversions and the value-list one;
    nothing else changes (operators, `in~` lists of plain values,
    numbers, Sigma regexes and CIDRs are written as stock writes them)."""
    convert_and_as_in = False

    def escape_and_quote_field(self, field_name):
        if re.fullmatch(r"\w+", field_name):   # stock's test for a plain name
            return field_name
        return "['" + field_name.replace("\\", "\\\\").replace("'", "\\'") + "']"

    @staticmethod
    def glob_only_at_ends(v):
        """A value whose only wildcards are a leading and/or trailing `*`:
        stock writes those as startswith/endswith/contains/=~, correctly."""
        w = SpecialChars.WILDCARD_MULTI
        return (not v.contains_special()
                or (v.endswith(w) and not v[:-1].contains_special())
                or (v.startswith(w) and not v[1:].contains_special())
                or (v.startswith(w) and v.endswith(w) and not v[1:-1].contains_special()))

    def kql_regex(self, v, anchored):
        rx = v.to_regex().to_plain()
        rx = f"(?is)^{rx}$" if anchored else f"(?is){rx}"
        # a KQL "..." string: `\` and `"` escaped (the reader and Kusto
        # decode them back)
        return self.quote_string(rx.replace("\\", "\\\\").replace('"', '\\"'))

    def convert_condition_field_eq_val_str(self, cond, state):
        if self.glob_only_at_ends(cond.value):
            return super().convert_condition_field_eq_val_str(cond, state)
        return f"{self.escape_and_quote_field(cond.field)} matches regex {self.kql_regex(cond.value, True)}"

    def convert_condition_as_in_expression(self, cond, state):
        # only ORs come here (convert_and_as_in is off): the plain values
        # as one `in~` list, as stock; every other value as its own test,
        # on the field as named (stock passed the quoted name back in and
        # quoted it twice)
        args = cond.args
        is_plain = [isinstance(a.value, SigmaNumber) or not a.value.contains_special() for a in args]
        plain = [a for a, p in zip(args, is_plain) if p]
        parts = []
        if plain:
            parts.append(self.field_in_list_expression.format(
                field=self.escape_and_quote_field(args[0].field), op=self.or_in_operator,
                list=self.list_separator.join(self.convert_value_str(a.value, state) for a in plain)))
        parts += [self.convert_condition_field_eq_val_str(a, state) for a, p in zip(args, is_plain) if not p]
        return f"{self.token_separator}{self.or_token}{self.token_separator}".join(parts)

    def convert_condition_val_str(self, cond, state):
        v, w = cond.value, SpecialChars.WILDCARD_MULTI
        inner = v[1:] if v.startswith(w) else v   # a keyword is a contains anyway
        inner = inner[:-1] if inner.endswith(w) else inner
        if not inner.contains_special():
            return "* contains " + self.convert_value_str(inner, state)
        return "* matches regex " + self.kql_regex(inner, False)

    def convert_condition_val_num(self, cond, state):
        # a number keyword (`- 0`) is written bare (`where 0 or 6`): the
        # same defect; Sigma searches it as text like any keyword
        return "* contains " + self.quote_string(str(cond.value))


class SplunkRexFlag(SplunkDeferredORRegularExpression):
    """The splunk backend's rex/eval idiom for a regex inside an OR, its
    names made valid: stock names the capture group and the flag after the
    field as it is, and a `-` (`cs-uri-query`) makes `(?<cs-uri-queryMatch>`
    no PCRE group name and `isnotnull(cs-uri-queryMatch)` a subtraction;
    `_` stands for each character that is not a word character."""

    @staticmethod
    def clean_field(field):
        return re.sub(r"\W", "_", SplunkDeferredORRegularExpression.clean_field(field))


def spl_needs_regex(v):
    """A Sigma string SPL's search cannot say: a `?` wildcard (SPL has one
    wildcard, `*`) or a literal `*` (a backslash cannot escape it)."""
    return isinstance(v, SigmaString) and any(
        p is SpecialChars.WILDCARD_SINGLE or isinstance(p, str) and "*" in p for p in v.s)


class RepairedSplunkBackend(SplunkBackend):
    """The splunk backend 2.1.0 with the defects the whole-corpus structure
    run listed repaired, so that the SPL the reader gets means what the
    Sigma rule means (docs/ORACLE.md, "The repaired SPL backend"; rules
    counted over the 3,754 SigmaHQ rules).  Stock 2.1.0:
      - writes Sigma's `?` wildcard as `*` and a literal `*` as `\\*`
        (56 rules): the search command has one wildcard, `*`, and "the
        backslash cannot be used to escape the asterisk in search strings"
        (Search Manual, "SPL and regular expressions"), so both match
        more (less under NOT);
      - hoists the leading `field=value` terms of the search before the
        `| rex` steps of a regex inside an OR also when the next term is
        `OR`: `Image=x | rex ... | search OR Product=y ...` takes the first
        test out of its OR and leaves a search that begins with OR, which
        Splunk rejects (12 rules);
      - defers a regex under a NOT that covers other tests too (`not all
        of filter_*`) to a `| regex` step ANDed after the search, outside
        the NOT (1 rule);
      - writes a windash expansion (an OR in place of one test) without
        parentheses: "the NOT operator only applies to the term immediately
        following NOT" (Search Manual, "Boolean expressions"), so a NOT
        before it negates its first variant only (1 rule; 93 rules get
        parentheses, which elsewhere change nothing);
      - names the rex/eval idiom's group and flag after the field as it is:
        for `cs-uri-query`, `(?<cs-uri-queryMatch>` is no PCRE group name
        and `isnotnull(cs-uri-queryMatch)` a subtraction (6 rules, all of
        them from the first repair);
      - begins the query with `| rex` when no term can go before it (18
        rules; 60 with the repairs above): a search that begins with a
        pipe must begin with a generating command ("Any search must have
        at least one data-generation command", Splunk's "Search pipeline
        syntax"), and rex is none.  `*` now comes first, the search stock itself writes
        when all of a query is deferred (`deferred_only_query`).
    The repairs use the backend's own machinery.  Such a value becomes a
    Sigma `re`: the value's own regex (SigmaString.to_regex), anchored,
    with `(?is)` — Sigma's match is case-insensitive and its `*` spans
    line breaks, PCRE's `.` does not (same page) — which the backend
    writes as it writes any `re`: `| regex F="..."`, or inside an OR its
    rex/eval idiom; PCRE has the one-character `.` and a literal `\\*`.
    The hoisting stops before a term followed by OR ("the search command
    evaluates OR before AND", "Boolean expressions": only a term not
    followed by OR is ANDed with the rest).  A regex under a NOT that
    covers more takes the idiom stock uses inside an OR; an expansion is
    grouped; the idiom's names get `_` for each non-word character.
    Unchanged: a keyword (no field) with `?` or a literal `*` (a regex
    over `_raw` is no predicate of a field; listed)."""
    _field_eq_val_re = re.compile(r'([\w.]+)(?:="(?:[^"\\]|\\.)*"|=[^\s")]++)(?!\s*OR\b)\s*')

    def decide_convert_condition_as_in_expression(self, cond, state):
        # a value written as a regex cannot stand in an IN list
        if any(isinstance(a, ConditionFieldEqualsValueExpression) and spl_needs_regex(a.value)
               for a in cond.args):
            return False
        return super().decide_convert_condition_as_in_expression(cond, state)

    def convert_condition_field_eq_val_str(self, cond, state):
        if not spl_needs_regex(cond.value):
            return super().convert_condition_field_eq_val_str(cond, state)
        r = SigmaRegularExpression("^" + str(cond.value.to_regex().regexp) + "$")
        r.add_flag(SigmaRegularExpressionFlag.DOTALL)
        r.add_flag(SigmaRegularExpressionFlag.IGNORECASE)
        rx = ConditionFieldEqualsValueExpression(cond.field, r)
        rx.parent = cond.parent
        return self.convert_condition_field_eq_val_re(rx, state)

    def convert_condition_field_eq_val_re(self, cond, state):
        # the rex/eval idiom inside an OR (as stock) and under a NOT that
        # covers more than this test; else stock's `| regex` step
        alone, p, idiom = True, cond.parent, False   # alone: all of p's subtree
        while p is not None and not idiom:
            idiom = isinstance(p, ConditionOR) or isinstance(p, ConditionNOT) and not alone
            # the parent chain holds conditions and the rule's detections
            kids = getattr(p, "args", None) or getattr(p, "detection_items", None) or [p]
            alone = alone and len(kids) == 1
            p = p.parent
        if not idiom:
            return super().convert_condition_field_eq_val_re(cond, state)
        SplunkRexFlag(state, cond.field, TextQueryBackend.convert_condition_field_eq_val_re(
            self, cond, state)).postprocess(None, cond)
        flag = ConditionFieldEqualsValueExpression(SplunkRexFlag.get_field_condition(cond.field),
                                                   SigmaString("true"))
        return TextQueryBackend.convert_condition_field_eq_val_str(self, flag, state)

    def finalize_query_default(self, rule, query, index, state):
        # finish_query lists the idiom's flags with the stock names: the
        # repaired ones, so that the hoisting leaves them after the rex
        names = state.processing_state.get("deferred_or_condition_fields")
        if names:
            state.processing_state["deferred_or_condition_fields"] = {
                re.sub(r"\W", "_", n) for n in names}
        query = super().finalize_query_default(rule, query, index, state)
        # no term could go before the `| rex` steps: a search that begins
        # with `|` must begin with a generating command, which rex is not;
        # `*` (every event) is the search stock writes when all of a query
        # is deferred (deferred_only_query)
        return self.deferred_only_query + query if query.startswith(self.deferred_start) else query

    def convert_condition_field_eq_expansion(self, cond, state):
        expr = super().convert_condition_field_eq_expansion(cond, state)
        return self.group_expression.format(expr=expr) if isinstance(expr, str) else expr


def _string_escape(text):
    r"""Text as the inside of a double-quoted EQL or ES|QL string: both
    lexers know `\\`, `\"`, `\n`, `\r`, `\t` (and no other escape a
    Sigma value needs); a raw line break ends an ES|QL string."""
    return (text.replace("\\", "\\\\").replace('"', '\\"')
            .replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t"))


def _lucene_regex(text):
    r"""A Sigma regex as Lucene's RegExp (the regex of EQL `regex`, ES|QL
    `rlike`) reads it: there `"` opens a quoted literal, so a `"` no
    backslash escapes is written `\"` (a literal quote to both)."""
    return re.sub(r'(?<!\\)((?:\\\\)*)"', r'\1\\"', text)


def _has_literal_wildcard(v):
    r"""A Sigma string holding a plain `*` or `?` (Sigma's `\*`, `\?`)."""
    return any(isinstance(p, str) and ("*" in p or "?" in p) for p in v.s)


class ElasticValues:
    """The value writing the repaired EQL and ES|QL backends share: a
    Sigma string as the text of a double-quoted string, its wildcards as
    `*`/`?` and, where `like_escapes` says the comparison reads them as
    wildcards (ES|QL's LIKE), a literal `\\`, `*` or `?` escaped for the
    pattern's own level first; a regex in Lucene's syntax."""
    like_escapes = False

    def convert_value_str(self, s, state):
        like = self.like_escapes and s.contains_special()
        out = []
        for p in s.s:
            if isinstance(p, str):
                out.append(re.sub(r"([\\*?])", r"\\\1", p) if like else p)
            elif p == SpecialChars.WILDCARD_MULTI:
                out.append("*")
            elif p == SpecialChars.WILDCARD_SINGLE:
                out.append("?")
            else:   # a placeholder: not in this round trip
                return super().convert_value_str(s, state)
        return self.quote_string(_string_escape("".join(out)))

    def convert_value_re(self, r, state):
        text = r.escape((), self.re_escape_char, False, self.re_flag_prefix)
        return _string_escape(_lucene_regex(text))


class RepairedESQLBackend(ElasticValues, ESQLBackend):
    r"""pysigma-backend-elasticsearch 2.1.1's ES|QL backend with its escaping
    repaired, so that the ES|QL the reader gets is a query Elasticsearch
    runs and that means what the Sigma rule means.  ES|QL has two escape
    levels: the string literal (`\\`, `\"`, `\n`, `\r`, `\t`; any other
    `\X` is a syntax error) and, inside a LIKE pattern, LIKE's own: "The
    escape character is backslash `\`. Since also backslash is a special
    character in string literals, it will require further escaping"
    (Elasticsearch docs, ES|QL operators, LIKE: `LIKE "foo \\* bar"` for
    a literal star; elastic/elasticsearch docs/reference/query-languages/
    esql/_snippets/operators/detailedDescription/like.md).  A LIKE `\` may precede only `*`, `?` or `\`
    (StringUtils.wildcardToJavaPattern: "Invalid pattern for LIKE").
    Stock 2.1.1 escapes every value once, for the string only:
      - a LIKE pattern keeps Sigma's backslashes single: `*\Windows\*`
        (TOML `"*\\\\Windows\\\\*"`) is LIKE `*\Windows\*`, which
        Elasticsearch rejects (`\W`: 880 rules of the whole corpus, 42
        of the 129 in the ecs_windows pipeline run), and Sigma's `C:\\`
        or `\*` reach LIKE as an escape (7 rules read otherwise);
      - a literal `*` or `?` (Sigma `\*`) is written `\*` in the string
        of `==`, `starts_with`, `ends_with` and `in`, which the ES|QL
        lexer rejects (33 rules), though there a star is no wildcard.
    Repaired through pySigma's own hook, convert_value_str: a value with
    wildcards (the backend then writes `like`) gets LIKE's escape before
    each literal `\`, `*`, `?`, a plain value none; then both get the
    string escapes (the query of 950 rules changes).  The `rlike` regex
    keeps the stock string escaping (`\` doubled, `"` escaped); a `"` no
    backslash escapes is escaped for Lucene's RegExp too, where it would open a quoted literal (16 rules).
    Also (1 rule): a windash expansion is an OR written in place of one
    comparison without parentheses, so `not` takes only its first value
    (`not A or B or C`); it is grouped, as in RepairedSecOpsBackend."""
    like_escapes = True   # LIKE reads * and ? as wildcards; its \\ escapes them

    def convert_condition_field_eq_expansion(self, cond, state):
        # an expansion (windash) is an OR in place of one test: grouped, so
        # that `not` or an AND around it takes all of it
        expr = super().convert_condition_field_eq_expansion(cond, state)
        return self.group_expression.format(expr=expr) if isinstance(expr, str) else expr


class RepairedEqlBackend(ElasticValues, EqlBackend):
    r"""pysigma-backend-elasticsearch 2.1.1's EQL backend with its escaping
    repaired.  EQL strings know the escapes `\n`, `\r`, `\t`, `\\`, `\"`
    and `\u{...}` (Elasticsearch docs, EQL syntax reference, "Escape
    characters in a string"; elastic/elasticsearch docs/reference/
    query-languages/eql/eql-syntax.md); the wildcards `*` and `?` of `:`
    and `like~` have no escape at all ("Wildcards": the pattern is the
    string), so a literal star cannot be written in a wildcard comparison.  Stock 2.1.1:
      - writes Sigma's literal `*`/`?` (`\*`) as `\*`/`\?` in the string of
        a `:` or `like~` comparison: no EQL escape, Elastic's own `eql`
        parser and Elasticsearch reject the query; and
      - escapes a regex's `/` as `\/` ("for JSON compatibility"; JSON has
        no such need, and EQL's regex is Lucene's RegExp, where `/` is no
        metacharacter): again no EQL escape (72 rules for the two);
      - leaves a regex's `"` unescaped, so the string ends there and the
        rest of the query does not parse (11 rules).
    Repaired with pySigma's hooks: a value with a literal `*`/`?` is
    written with EQL's documented case-insensitive functions that take the
    string as it is, no wildcards — `stringContains~`, `startsWith~`,
    `endsWith~` ("Case-insensitive functions": `~` after the name) — or
    `in~ ("...")` for a whole value, and is kept out of `like~` lists; the
    regex is escaped for the string only (`\\`, `\"`), with a `"` escaped
    for Lucene's RegExp first (where it would open a quoted literal).
    A value with a literal wildcard *and* an inner wildcard has no EQL
    form but a regex: `regex~` with the glob as Lucene's RegExp (`.*`,
    `.`, ASCII punctuation escaped), which matches the whole value,
    case-insensitively, as the glob does (2 rules).
    Sigma keywords (a value with no field: search the whole event) are
    written as a bare string, `any where "tftp" or "rcp"`, which is no
    boolean: Elastic's `eql` and Elasticsearch reject the query.  EQL has
    no full-text search, so there is nothing faithful to write: the
    repaired backend refuses such rules (pySigma's own way, no
    `unbound_value_*_expression`), as the same package's ES|QL backend
    does (107 rules, the same ES|QL refuses: they count as not converted,
    not as equal).
    Two more, which the structural comparison does not see (the reader is
    lenient on both) but Elastic's `eql` package does, 580 queries it
    rejected: a Sigma number or boolean is written with `:` or in a
    `like~` list (`EventID:4706`), where `:` and `like~` "can only be used
    to compare strings" — now `==` and `in (...)`, one test each in a
    list mixing numbers and strings; a field name with `-` is left bare
    (`cs-method`: the stock quoting pattern only matches a leading `-`),
    where "Escape a field name" wants backticks — now `` `cs-method` ``.
    Every EQL query this backend writes parses with `eql` 1.0.1."""
    re_escape = ()
    unbound_value_str_expression = None
    unbound_value_num_expression = None
    unbound_value_re_expression = None
    # stock `^\d.*|.*\s.*|-` under re.match quotes a name only when it
    # starts with `-`; "Escape a field name": backticks for any hyphen
    field_quote_pattern = re.compile(r"^\d.*|.*\s.*|.*-.*")

    def convert_condition_field_eq_val_num(self, cond, state):
        # `:` "can only be used to compare strings": a number is `==`
        return f"{self.escape_and_quote_field(cond.field)} == {cond.value}"

    def convert_condition_field_eq_val_bool(self, cond, state):
        return f"{self.escape_and_quote_field(cond.field)} == {self.bool_values[cond.value.boolean]}"

    def convert_condition_as_in_expression(self, cond, state):
        # `like~` takes strings only: a list of numbers is `in (...)`
        if all(isinstance(a.value, SigmaNumber) for a in cond.args):
            vals = self.list_separator.join(str(a.value) for a in cond.args)
            return f"{self.escape_and_quote_field(cond.args[0].field)} in ({vals})"
        return super().convert_condition_as_in_expression(cond, state)

    def decide_convert_condition_as_in_expression(self, cond, state):
        # a `like~` list reads every `*` and `?` as a wildcard and takes
        # strings only (numbers and strings mixed: one test each)
        if any(isinstance(a, ConditionFieldEqualsValueExpression) and isinstance(a.value, SigmaString)
               and _has_literal_wildcard(a.value) for a in cond.args):
            return False
        kinds = {isinstance(a.value, SigmaNumber) for a in cond.args
                 if isinstance(a, ConditionFieldEqualsValueExpression)}
        if len(kinds) > 1:
            return False
        return super().decide_convert_condition_as_in_expression(cond, state)

    def convert_condition_field_eq_val_str(self, cond, state):
        v, w = cond.value, SpecialChars.WILDCARD_MULTI
        if not _has_literal_wildcard(v):
            return super().convert_condition_field_eq_val_str(cond, state)
        f = self.escape_and_quote_field(cond.field)
        if not v.contains_special():
            return f"{f} in~ ({self.convert_value_str(v, state)})"
        if len(v) > 1 and v.startswith(w) and v.endswith(w) and not v[1:-1].contains_special():
            return f"stringContains~({f}, {self.convert_value_str(v[1:-1], state)})"
        if v.endswith(w) and not v[:-1].contains_special():
            return f"startsWith~({f}, {self.convert_value_str(v[:-1], state)})"
        if v.startswith(w) and not v[1:].contains_special():
            return f"endsWith~({f}, {self.convert_value_str(v[1:], state)})"
        # inner wildcards too: only a regex says it, and EQL's `regex~` is
        # Lucene's RegExp over the whole value, case-insensitive (a `\`
        # before punctuation is that character there, as in PCRE)
        rx = "".join(".*" if p == w else "." if p == SpecialChars.WILDCARD_SINGLE
                     else re.sub(r"([\x21-\x2f\x3a-\x40\x5b-\x60\x7b-\x7e])", r"\\\1", p)
                     for p in v.s)
        return f'{f} regex~ "{_string_escape(rx)}"'


BACKENDS = [
    ("splunk", RepairedSplunkBackend, {}),
    ("kusto", RepairedKustoBackend, {}),
    ("lucene", LuceneBackend, {}),
    ("eql", RepairedEqlBackend, {}),
    ("esql", RepairedESQLBackend, {}),
    ("yaral", RepairedSecOpsBackend, {"output_format": "yara_l"}),
]
# RDX_LANG_ORACLE_LANGS="lucene esql" converts with those backends only
# (run.sh: a quicker run while working on one reader).
if os.environ.get("RDX_LANG_ORACLE_LANGS"):
    _want = os.environ["RDX_LANG_ORACLE_LANGS"].split()
    BACKENDS = [b for b in BACKENDS if b[0] in _want]

# The field map sections the languages' readers normalise through
# (data/fields.yml: lucene, eql and esql are aliases of elastic, yaral of
# chronicle).
SECTIONS = ["splunk", "kusto", "elastic", "chronicle"]


def q(s):
    """A YAML or TOML double-quoted string (JSON's escapes are valid in both)."""
    return json.dumps(s, ensure_ascii=False)


def has_keyword(det):
    """Does the detection hold a keyword (a value with no field)?"""
    if isinstance(det, SigmaDetection):
        return any(has_keyword(d) for d in det.detection_items)
    return isinstance(det, SigmaDetectionItem) and det.field is None


def fields_of(det, out):
    if isinstance(det, SigmaDetection):
        for d in det.detection_items:
            fields_of(d, out)
    elif isinstance(det, SigmaDetectionItem) and det.field:
        out.add(det.field)


def write(path, text):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def splunk_doc(rule, query):
    return (f"name: {q(rule.title)}\nid: {q(str(rule.id))}\nversion: 1\n"
            f"type: TTP\ndescription: {q(rule.description or '')}\n"
            f"search: {q(query)}\n")


def kusto_doc(rule, query):
    return (f"id: {q(str(rule.id))}\nname: {q(rule.title)}\n"
            f"description: {q(rule.description or '')}\nseverity: Medium\n"
            f"query: {q('SigmaEvents | where ' + query)}\n")


def elastic_doc(rule, lang, query):
    rtype = {"lucene": "query", "eql": "eql", "esql": "esql"}[lang]
    return (f"[metadata]\ncreation_date = \"2024/01/01\"\nmaturity = \"production\"\n"
            f"updated_date = \"2024/01/01\"\n\n[rule]\nauthor = [\"pySigma\"]\n"
            f"description = {q(rule.description or '')}\nlanguage = \"{lang}\"\n"
            f"license = \"DRL\"\nname = {q(rule.title)}\nrisk_score = 47\n"
            f"rule_id = {q(str(rule.id))}\nseverity = \"medium\"\ntype = \"{rtype}\"\n"
            f"query = {q(query)}\n")


def yaral_doc(query):
    # Two defects of the secops backend's text, repaired here and listed in
    # docs/ORACLE.md: it names the last section `conditions:` where the
    # YARA-L 2.0 syntax (and every rule of the Chronicle corpus) says
    # `condition:`, and it makes the rule name from the title keeping `.`,
    # `/`, `-`, `(`, `)`, which an identifier cannot hold.
    query = re.sub(r"^(\s*)conditions:", r"\1condition:", query, count=1, flags=re.M)
    return re.sub(r"^(\s*rule\s+)([^{]*?)(\s*\{)",
                  lambda m: m.group(1) + re.sub(r"\W", "_", m.group(2)) + m.group(3),
                  query, count=1, flags=re.M)


def relaxed(text, how=None):
    """The original without its logsource (and rewritten by an emulation):
    the backends drop it, so the converted rules see every event — a Linux
    or Zeek rule included — and so must the original."""
    doc = yaml.safe_load(text)
    doc["logsource"] = {}
    if how:
        doc = emulate(doc, how)
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)


# ---- emulations: the original, changed the way a target language reads it
#
# Where a converted rule matches other events than its original, the cause
# is often a documented trait of the target language that the backend does
# not compensate for.  Each emulation below rewrites the Sigma original to
# behave that way; compare.py accepts a difference listed under a tag only
# when the converted rule matches exactly the events of that emulation, so
# the stated reason is checked on every run, not merely asserted.
#
#   cased     string comparisons are case-sensitive (Lucene and ES|QL on
#             keyword fields; YARA-L `=` without nocase)
#   anchored  a regex must match the whole value (EQL `regex`, Lucene
#             `/re/`); Sigma's `re` searches
#   esql      cased, and `like` reads `\` as its escape (ES|QL LIKE): the
#             backend writes Sigma's value with one escape level, so a
#             LIKE pattern Elasticsearch accepts (each `\` before `*`, `?`
#             or `\`) reads Sigma's `\\` as one backslash and `\*` as a
#             literal star.  A `\` before any other character makes
#             Elasticsearch reject the query (tag `no-hits`, not this).
#   3vl       (with any of the above: `cased+3vl`, ...) ES|QL's three-
#             valued logic: a comparison with a missing field is null, NOT
#             null is null, and WHERE keeps a row only when TRUE.  Each
#             selection the condition uses under an odd number of NOTs is
#             rewritten field by field into "the test, or the field absent"
#             (`|exists: false`), so `not filter` keeps only events that
#             have the filter's fields, as the backend's literal `NOT`
#             means in ES|QL (three_valued below; the reader's own model is
#             fx_null_strict, src/front/common/fexpr.h).
#   Keywords (a list of bare values) are searched case-sensitively too:
#   `cased` writes them as {"|cased": [...]}.

NOT_STRING = {"re", "cidr", "exists", "lt", "lte", "gt", "gte", "fieldref", "base64",
              "base64offset", "wide", "utf16", "utf16le", "utf16be", "expand", "cased",
              "i", "m", "s", "minute", "hour", "day", "week", "month", "year"}


def esql_like(v):
    """A Sigma pattern as ES|QL's LIKE reads the same text: `\\` is one
    backslash, `\*` and `\?` stay literal (escaped in Sigma too).  (`\X`
    for any other X is rejected by Elasticsearch; the result is unused.)"""
    out, i = [], 0
    while i < len(v):
        if v[i] == "\\" and i + 1 < len(v):
            out.append(v[i:i + 2] if v[i + 1] in "*?" else v[i + 1])
            i += 2
        else:
            out.append(v[i])
            i += 1
    return "".join(out)


def emulate_item(key, values, how):
    parts = key.split("|")
    mods = parts[1:]
    strs = all(isinstance(v, str) for v in values)
    if "re" in mods and how in ("anchored", "cased+anchored"):
        return key, [f"^(?:{v})$" for v in values]
    if not strs or parts[0] == "" or any(m in NOT_STRING for m in mods):
        return key, values
    if how == "esql":
        wild = lambda v: any(c in v for c in "*?")
        if "contains" in mods or any(wild(v) for v in values):
            base = [m for m in mods if m not in ("contains", "startswith", "endswith")]
            pre = "*" if "contains" in mods or "endswith" in mods else ""
            post = "*" if "contains" in mods or "startswith" in mods else ""
            values = [esql_like(pre + v + post) for v in values]
            mods = base
    if how in ("cased", "cased+anchored", "esql"):
        mods = mods + ["cased"]
    return "|".join([parts[0]] + mods), values


def emulate(doc, how):
    if how.endswith("3vl"):
        base = how[:-len("3vl")].rstrip("+")
        return three_valued(emulate(doc, base) if base else doc)

    def sel(x):
        if isinstance(x, dict):
            out = {}
            for k, v in x.items():
                vals = v if isinstance(v, list) else [v]
                k2, vals2 = emulate_item(k, vals, how)
                out[k2] = vals2 if isinstance(v, list) or len(vals2) != 1 else vals2[0]
            return out
        cased = how in ("cased", "cased+anchored", "esql")
        if isinstance(x, list):
            if cased and x and all(isinstance(i, str) for i in x):
                return {"|cased": x}   # keywords: searched case-sensitively too
            return [sel(i) if isinstance(i, dict) else i for i in x]
        return {"|cased": [x]} if cased and isinstance(x, str) else x
    det = doc["detection"]
    doc["detection"] = {k: (v if k in ("condition", "timeframe") else sel(v)) for k, v in det.items()}
    return doc


# ---- 3vl: the condition under three-valued logic

_COND_TOKEN = re.compile(r"\s*(\(|\)|[^\s()]+)")


def cond_parse(text):
    """A Sigma condition as a tree: ("ref", name) ("of", "1"|"all", pattern)
    ("not", x) ("and"|"or", [x, ...]).  Precedence: not > and > or."""
    toks = [t for t in _COND_TOKEN.findall(text) if t]
    pos = 0

    def peek():
        return toks[pos].lower() if pos < len(toks) else None

    def take():
        nonlocal pos
        pos += 1
        return toks[pos - 1]

    def unary():
        t = peek()
        if t == "not":
            take()
            return ("not", unary())
        if t == "(":
            take()
            x = disj()
            if take() != ")":
                raise ValueError("expected )")
            return x
        if t in ("1", "all", "any") and pos + 1 < len(toks) and toks[pos + 1].lower() == "of":
            q = take().lower()
            take()
            return ("of", "all" if q == "all" else "1", take())
        return ("ref", take())

    def chain(word, operand):   # operand (word operand)*
        xs = [operand()]
        while peek() == word:
            take()
            xs.append(operand())
        return xs[0] if len(xs) == 1 else (word, xs)

    def conj():
        return chain("and", unary)

    def disj():
        return chain("or", conj)

    x = disj()
    if pos != len(toks):
        raise ValueError("trailing tokens")
    return x


def three_valued(doc):
    """The detection under ES|QL's three-valued logic (the `3vl` emulation
    above).  A selection under an odd number of NOTs, a map of field tests
    or a list of such maps, becomes for each test T on field F a selection
    of T alone and one of `F|exists: false`, and the reference becomes
    (T1 or absent1) and (T2 or absent2) ...; keywords and tests of presence
    (`|exists`, a null value) have two values and stay."""
    det = doc["detection"]
    names = [k for k in det if k not in ("condition", "timeframe")]
    new = {}

    def field_of(key):
        return key.split("|")[0]

    def two_valued(key, value):
        mods = key.split("|")[1:]
        return field_of(key) == "" or "exists" in mods or value is None

    def strict(name):
        sel = det[name]
        maps = [sel] if isinstance(sel, dict) else sel if isinstance(sel, list) else None
        if not maps or not all(isinstance(m, dict) for m in maps):
            return name   # keywords
        alts = []
        for j, m in enumerate(maps):
            parts = []
            for i, (k, v) in enumerate(m.items()):
                v = copy.deepcopy(v)   # no YAML aliases in the rewritten rule
                if two_valued(k, v):
                    t = f"{name}__3vl_{j}_{i}"
                    new[t] = {k: v}
                    parts.append(t)
                    continue
                t, a = f"{name}__3vl_{j}_{i}", f"{name}__3vl_{j}_{i}_absent"
                new[t] = {k: v}
                new[a] = {field_of(k) + "|exists": False}
                parts.append(f"({t} or {a})")
            alts.append("(" + " and ".join(parts) + ")" if parts else "(" + name + ")")
        return "(" + " or ".join(alts) + ")"

    def emit(x, neg):
        if x[0] == "ref":
            return strict(x[1]) if neg and x[1] in det else x[1]
        if x[0] == "of":
            pat = "*" if x[2].lower() == "them" else x[2]
            refs = [n for n in names if fnmatch.fnmatchcase(n, pat) and
                    not (pat == "*" and n.startswith("_"))]
            if not refs:
                return f"{x[1]} of {x[2]}"
            # spelled out in both polarities: the new selections must not
            # join a pattern (`all of them`)
            joiner = " and " if x[1] == "all" else " or "
            return "(" + joiner.join(strict(n) if neg else n for n in refs) + ")"
        if x[0] == "not":
            return "not " + emit(x[1], not neg)
        return "(" + f" {x[0]} ".join(emit(k, neg) for k in x[1]) + ")"

    cond = det["condition"]
    conds = cond if isinstance(cond, list) else [cond]
    try:
        out = [emit(cond_parse(c), False) for c in conds]
    except (ValueError, IndexError, KeyError, TypeError):
        return doc   # a condition this does not read (Sigma 1 `| count()`): unchanged
    det.update(new)
    det["condition"] = out if isinstance(cond, list) else out[0]
    return doc


EMULATIONS = ["cased", "anchored", "cased+anchored", "esql", "3vl", "cased+3vl", "anchored+3vl",
              "esql+3vl"]


def convert_one(make_backend, text, kw, rec, log, max_error=None):
    """The one query make_backend()'s backend writes for the rule text, also stored in rec;
    None when it fails or writes other than one query (rec, with the
    reason, is logged then)."""
    try:
        # a pipeline or backend may change the collection: a fresh copy
        res = make_backend().convert(SigmaCollection.from_yaml(text), **kw)
    except Exception as e:
        rec["error"] = f"{type(e).__name__}: {str(e)[:max_error]}"
        log.write(json.dumps(rec) + "\n")
        return None
    if not isinstance(res, list) or len(res) != 1 or not isinstance(res[0], str):
        rec["error"] = f"{len(res) if isinstance(res, list) else '?'} queries, not one"
        log.write(json.dumps(rec) + "\n")
        return None
    rec["query"] = res[0]
    return res[0]


def convert(out, path, fields, log):
    text = open(path, encoding="utf-8").read()
    try:
        coll = SigmaCollection.from_yaml(text)
        rule = coll.rules[0]
    except Exception as e:  # pySigma refuses the rule: nothing to compare
        log.write(json.dumps({"file": path, "backend": "pysigma", "error": str(e)}) + "\n")
        return
    if not hasattr(rule, "detection") or rule.__class__.__name__ != "SigmaRule":
        return  # correlation and filter rules: not converted here
    rid = str(rule.id)
    for d in rule.detection.detections.values():
        fields_of(d, fields)
    write(os.path.join(out, "sigma", rid + ".yml"), relaxed(text))
    for how in EMULATIONS:
        write(os.path.join(out, "sigma-" + how, rid + ".yml"), relaxed(text, how))
    for name, backend, kw in BACKENDS:
        rec = {"file": path, "id": rid, "backend": name}
        query = convert_one(backend, text, kw, rec, log)
        if query is None:
            continue
        d = os.path.join(out, name)
        if name == "splunk":
            write(os.path.join(d, rid + ".yml"), splunk_doc(rule, query))
        elif name == "kusto":
            write(os.path.join(d, rid + ".yaml"), kusto_doc(rule, query))
        elif name in ("lucene", "eql", "esql"):
            write(os.path.join(d, rid + ".toml"), elastic_doc(rule, name, query))
        else:
            write(os.path.join(d, rid + ".yaral"), yaral_doc(query))
        log.write(json.dumps(rec, ensure_ascii=False) + "\n")
    if pipeline_runs():
        convert_pipelines(out, path, rid, log)


# ---- pipelines (RDX_LANG_ORACLE_PIPELINES=1; docs/ORACLE.md "Pipelines")
#
# The same rules converted through the processing pipelines users run, so
# that the queries use the target's field names (`Processes.process`,
# `ProcessCommandLine`, `process.command_line`, `principal.process...`) and
# ruledex's data/fields.yml must map them back.  OUT/LANG@PIPELINE/ holds
# each pair's rules in its language's shape; convert.jsonl records them
# with backend "LANG@PIPELINE".  The KQL pipelines write their own table
# (`DeviceProcessEvents | where ...`), kept as written.

PIPELINE_RUNS = [
    ("splunk", "splunk_windows"), ("splunk", "splunk_cim"),
    ("kusto", "microsoft_xdr"), ("kusto", "sentinel_asim"),
    ("lucene", "ecs_windows"), ("eql", "ecs_windows"), ("esql", "ecs_windows"),
    ("yaral", "secops_udm"),
]


def pipeline_runs():
    if os.environ.get("RDX_LANG_ORACLE_PIPELINES", "0") != "1":
        return []
    langs = dict((b[0], b) for b in BACKENDS)
    return [(langs[l], pipe) for l, pipe in PIPELINE_RUNS if l in langs]


def convert_pipelines(out, path, rid, log):
    from sigma.plugins import InstalledSigmaPlugins
    plugins = convert_pipelines.plugins = getattr(convert_pipelines, "plugins", None) or \
        InstalledSigmaPlugins.autodiscover()
    text = open(path, encoding="utf-8").read()
    for (name, backend, kw), pipe in pipeline_runs():
        tag = f"{name}@{pipe}"
        rec = {"file": path, "id": rid, "backend": tag}
        query = convert_one(lambda: backend(plugins.pipelines[pipe]()), text, kw, rec, log, 300)
        if query is None:
            continue
        rule = SigmaCollection.from_yaml(text).rules[0]
        d = os.path.join(out, tag)
        os.makedirs(d, exist_ok=True)
        if name == "splunk":
            write(os.path.join(d, rid + ".yml"), splunk_doc(rule, query))
        elif name == "kusto":
            doc = kusto_doc(rule, query).replace(q("SigmaEvents | where " + query), q(query))
            write(os.path.join(d, rid + ".yaml"), doc)
        elif name in ("lucene", "eql", "esql"):
            write(os.path.join(d, rid + ".toml"), elastic_doc(rule, name, query))
        else:
            write(os.path.join(d, rid + ".yaral"), yaral_doc(query))
        log.write(json.dumps(rec, ensure_ascii=False) + "\n")


def main():
    out = sys.argv[1]
    for d in ["sigma"] + ["sigma-" + h for h in EMULATIONS] + [b[0] for b in BACKENDS]:
        os.makedirs(os.path.join(out, d), exist_ok=True)
    fields = set()
    with open(os.path.join(out, "convert.jsonl"), "w", encoding="utf-8") as log:
        for path in sys.argv[2:]:
            convert(out, path, fields, log)
    with open(os.path.join(out, "fields.yml"), "w", encoding="utf-8") as f:
        f.write("# generated by tests/oracle/languages/convert.py: Sigma names as themselves\n")
        f.write("aliases:\n  yaral: chronicle\n  yara-l: chronicle\n  eql: elastic\n"
                "  esql: elastic\n  lucene: elastic\n")
        for s in SECTIONS:
            f.write(f"{s}:\n")
            for name in sorted(fields):
                f.write(f"  {q(name)}: {q(name)}\n")
                if s == "chronicle" and not UDM_PATH.fullmatch(name):
                    # RepairedSecOpsBackend's name for it (YARA-L's map syntax)
                    key = f'additional.fields["{yaral_string(name)}"]'
                    f.write(f"  {q(key)}: {q(name)}\n")


if __name__ == "__main__":
    main()
