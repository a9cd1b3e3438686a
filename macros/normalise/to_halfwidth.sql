{#- Full-width ASCII forms (U+FF01-U+FF5E) to their ASCII characters and the ideographic
    space (U+3000) to a space, as Chinese input methods type them. The backslash comes
    from chr(92) because Spark string literals treat it as an escape. -#}
{% macro to_halfwidth(expr) -%}
    translate(
        {{ expr }},
        '！＂＃＄％＆＇（）＊＋，－．／０１２３４５６７８９：；＜＝＞？＠ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ［＼］＾＿｀ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ｛｜｝～　',
        '!"#$%&''()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[' || chr(92) || ']^_`abcdefghijklmnopqrstuvwxyz{|}~ '
    )
{%- endmacro %}
