-- telefonie_uur (section Telefonische bereikbaarheid, by hour of week): per telephone norm, post
-- (Hengelo, Enschede, SHT) and hour of the week the calls on the norm's line (noemer) and those
-- answered with a waiting time below the norm's limit (teller), as branchenormen.sql counts them.
-- weekdag is the ISO day (1 = maandag ... 7 = zondag) and uur the hour of the day (0-23) of the
-- moment the call came in, local time. Only hours with at least one call get a row.
WITH per AS (
    SELECT n.norm_id, o.post, isodow(o.binnenkomst) AS weekdag, hour(o.binnenkomst) AS uur,
           count(*) AS oproepen,
           count(*) FILTER (WHERE o.beantwoord AND o.wachttijd_s < n.grens_s) AS binnen_norm
    FROM oproepen o
    JOIN norm_bron n ON n.bron = 'oproepen' AND n.selectie = o.lijn
    GROUP BY GROUPING SETS ((n.norm_id, o.post, weekdag, uur), (n.norm_id, weekdag, uur))
)
SELECT $jaar AS jaar, r.norm_id, coalesce(r.post, 'SHT') AS post, r.weekdag, r.uur, r.oproepen, r.binnen_norm
FROM per r
JOIN volgorde m ON m.lijst = 'branchenorm' AND m.waarde = r.norm_id
JOIN volgorde p ON p.lijst = 'post_hengelo_enschede_sht' AND p.waarde = coalesce(r.post, 'SHT')
ORDER BY m.positie, p.positie, r.weekdag, r.uur
