{#- The text that capture group `group` of the pattern matched (0: the whole match), or the
    empty string when the pattern is not found; null for null text. Both engines name it
    regexp_extract, but Spark's group defaults to 1 and DuckDB's to 0, so the group is always
    given. Same backslash rule as regex_matches. With an anchored pattern, one call both tests
    and returns the text, where a `case when regex_matches(...) then ...` repeats it. -#}
{% macro regex_extract(expr, pattern, group) -%}
    {{ return(adapter.dispatch('regex_extract', 'datong')(expr, pattern, group)) }}
{%- endmacro %}

{% macro default__regex_extract(expr, pattern, group) -%}
    regexp_extract({{ expr }}, {{ pattern }}, {{ group }})
{%- endmacro %}
