{#- Trims spaces, tabs, line breaks and the full-width space (U+3000) from both ends;
    an empty result becomes null. chr() keeps backslashes out of the SQL. -#}
{% macro clean_text(expr) -%}
    nullif(trim(both ' ' || chr(9) || chr(10) || chr(13) || '　' from {{ expr }}), '')
{%- endmacro %}
