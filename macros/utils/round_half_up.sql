{#
    Rounds through a decimal, half away from zero, and returns a double. Rounding a double
    directly differs between engines on halves (DuckDB rounds the binary value, Spark its
    decimal text): 121.4745 gives 121.474 on one and 121.475 on the other.
#}
{% macro round_half_up(expr, digits) -%}
    cast(round(cast({{ expr }} as decimal(18, 9)), {{ digits }}) as double)
{%- endmacro %}
