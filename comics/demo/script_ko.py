"""The demo series "The Lantern Road" in Korean: 등불 길.

Every piece of text in comics.demo.script (titles, author's notes, alt texts, lettering, speakers'
names, the series' and the artist's words) has its Korean here, keyed by the English it stands for.
Nothing else is copied: the functions below take the English script and return it with each text
replaced, so the panels, their layout and their order can never drift apart between the languages.
When an English line changes or a new one is written, in_korean raises KeyError naming it until its
Korean is added here.

Written as a Korean webtoon reader expects, never word for word (docs/translating.md): narration in
literary past tense, the grandmother's warm 반말 to her granddaughter, the ferryman's gruff one, the
author's notes in 해요체, alt texts as plain present-tense description (like 화면해설), sound effects
as Korean onomatopoeia and kickers as "1화".

Pure data and functions, no Flask.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from comics.demo.script import (
    DEMO_SERIES,
    EPISODE_SCRIPTS,
    Caption,
    DemoEpisode,
    DemoSeries,
    EpisodeScript,
    Lettering,
    PanelScript,
    Sfx,
    Speech,
    Title,
)

LANGUAGE = "ko"

# The series, its artist and the words around the episodes.
SERIES = {
    "The Lantern Road": "등불 길",
    "Mirae crosses a river at night with her grandmother's paper lantern, rides a night train to a city of lights, and "
    "writes letters home that she cannot post yet. A gentle, hopeful story.":
        "할머니의 종이 등불을 들고 한밤중에 강을 건넌 소녀 미래. 밤기차를 타고 불빛 가득한 도시에 닿은 미래는 아직 부칠 수 "
        "없는 편지를 한 통 한 통 집으로 써 내려간다. 잔잔하고 따스한, 희망을 담은 이야기.",
    "Separation from family.": "가족과 헤어지는 장면이 나와요.",
    "Haneul Kim": "김하늘",
    "Support Haneul's work": "김하늘 작가 후원하기",
    "**Haneul Kim** is a fictional artist: the pen name and this series are demo content that ships with the site, "
    "drawn entirely by code, so you can see how a published series looks.\n\n"
    "Real artists' pages show their own words here, written in *Markdown*.":
        "**김하늘**은 가상의 작가예요. 이 필명과 작품은 사이트에 함께 들어 있는 데모 콘텐츠로, "
        "처음부터 끝까지 코드로 그렸어요. 공개된 작품이 어떤 모습인지 미리 볼 수 있도록 준비했어요.\n\n"
        "실제 작가의 페이지에는 이 자리에 작가가 *마크다운*으로 직접 쓴 소개가 보여요.",
}

# The cover's line under the title (comics.demo.art.draw_cover's byline), as Korean webtoons credit their artist.
COVER_BYLINE = "글·그림 김하늘"

NAMES = {
    "Grandmother": "할머니",
    "Mirae": "미래",
    "Ferryman": "뱃사공",
    "Conductor": "차장",
    "Passenger": "승객",
    "Baker": "빵집 주인",
}

EPISODES = {
    "Episode 1": "1화",
    "Episode 2": "2화",
    "Episode 3": "3화",
    "The River at Night": "강을 건너는 밤",
    "The Night Train": "밤기차",
    "A Letter Home": "부치지 못한 편지",
    "I wanted the first night to feel quiet rather than frightening. The lantern is the one thing in the whole episode "
    "I drew in warm colours.":
        "첫날 밤이 무섭기보다는 고요하게 느껴졌으면 했어요. 그래서 이번 화에서 따뜻한 색으로 그린 건 등불 하나뿐이에요.",
    "Trains were the loudest thing in my childhood. Here I tried to draw one that sounds kind.":
        "어린 시절 가장 시끄러웠던 건 기차였어요. 이번 화에서는 소리마저 다정한 기차를 그려 보고 싶었어요.",
    "Some letters cannot be posted yet. Writing them still counts.":
        "아직은 부칠 수 없는 편지도 있어요. 그래도 써 두는 것만으로 충분히 의미가 있어요.",
    "To be continued...": "다음 화에 계속",
    "Next: A Letter Home": "다음 화: 부치지 못한 편지",
    "The End": "끝",
}

# What each panel shows, for readers who cannot see it (대체 텍스트).
ALT_TEXTS = {
    # 1화
    "A night sky full of stars above dark mountains, with a round moon on the right. At the foot of the mountains, "
    "three small tiled-roof houses, two of them with lit windows, sit on a dark hillside, and a river glints between "
    "them and the mountains.":
        "어두운 산 위로 별이 가득한 밤하늘, 오른쪽에는 둥근 달이 떠 있다. 산자락 아래 어둑한 언덕에 작은 기와집 세 채가 "
        "있고, 그중 두 채의 창에 불이 켜져 있다. 집들과 산 사이로 강물이 반짝인다.",
    "Inside a small room lit by a hanging lamp, Grandmother, who has grey hair tied in a bun, holds out a paper lantern "
    "to Mirae, a girl with short black hair, a blue coat and a red scarf. A window behind them shows the moon over the "
    "hills.":
        "천장에 매단 등이 밝히는 작은 방. 희끗한 머리를 쪽 찐 할머니가 미래에게 종이 등불을 내민다. 미래는 짧은 검은 "
        "머리에 파란 외투를 입고 빨간 목도리를 두른 소녀다. 두 사람 뒤의 창 너머로 언덕 위에 뜬 달이 보인다.",
    "Close-up of Mirae's face, lit from below by the lantern's warm glow. She looks worried.":
        "미래의 얼굴을 가까이서 본 모습. 아래에서 비추는 등불의 따스한 빛을 받은 얼굴에 걱정이 어려 있다.",
    "Seen from behind, Mirae walks down a winding path between pine trees toward the river. Her lantern makes a small "
    "circle of warm light in the dark, and the moon hangs over the mountains.":
        "미래의 뒷모습. 소나무 사이로 굽이진 길을 따라 강 쪽으로 내려간다. 등불이 어둠 속에 따스한 빛을 작고 동그랗게 "
        "드리우고, 산 위에는 달이 걸려 있다.",
    "A close view of the paper lantern hanging from Mirae's hand. Its small flame glows orange inside the paper walls.":
        "미래의 손에 매달린 종이 등불을 가까이서 본 모습. 종이 안쪽에서 작은 불꽃이 주황빛으로 일렁인다.",
    "Mirae stands at the edge of a wide, dark river. Moonlight makes a silver path across the water, and reeds grow "
    "along the bank.":
        "미래가 넓고 어두운 강가에 서 있다. 달빛이 물 위로 은빛 길을 내고, 강둑을 따라 갈대가 자라 있다.",
    "An old ferryman in a wide straw hat stands in a small wooden boat by the shore, holding a long oar.":
        "챙 넓은 밀짚모자를 쓴 늙은 뱃사공이 기슭에 댄 작은 나룻배에 서서 긴 노를 쥐고 있다.",
    "The little boat crosses the middle of the river under a big moon. The ferryman rows at the back and Mirae sits at "
    "the front, holding the lantern low.":
        "커다란 달 아래, 작은 배가 강 한가운데를 건넌다. 뒤에서는 뱃사공이 노를 젓고, 앞에는 미래가 등불을 낮게 든 채 "
        "앉아 있다.",
    "Mirae looks up at a sky crowded with stars, her face lit warmly from below by the lantern.":
        "미래가 별이 빼곡한 하늘을 올려다본다. 아래에서 비추는 등불이 얼굴을 따스하게 밝힌다.",
    "The boat reaches the far bank. Mirae steps onto the shore among tall reeds while the ferryman points up the road.":
        "배가 건너편 기슭에 닿는다. 미래가 키 큰 갈대 사이로 뭍에 내려서고, 뱃사공은 길 위쪽을 손으로 가리킨다.",
    "From a hilltop at first light, Mirae looks back across the river. Far away on the other side, a single small "
    "window is still lit. The sky is turning pink at the horizon.":
        "동틀 무렵, 언덕 꼭대기에서 미래가 강 건너를 돌아본다. 저 멀리 건너편에 작은 창 하나가 아직 불을 밝히고 있다. "
        "지평선 쪽 하늘이 분홍빛으로 물들어 간다.",
    # 2화
    "At dusk, under a violet and orange sky, Mirae sits alone on a bench at a tiny country station. A lamp post glows "
    "beside her and low hills roll away behind the tracks.":
        "보랏빛과 주홍빛이 섞인 해 질 녘 하늘 아래, 미래가 작은 시골 역 벤치에 혼자 앉아 있다. 곁에는 가로등이 빛나고, "
        "선로 너머로 나지막한 언덕이 굽이굽이 이어진다.",
    "A train comes along the rails toward the station, its round headlight shining. The rails run back into the hills.":
        "둥근 전조등을 밝힌 기차가 선로를 따라 역으로 다가온다. 선로는 뒤편 언덕 사이로 이어진다.",
    "A kind conductor in a blue cap stands in the lit doorway of a red carriage. On the platform, Mirae holds up her "
    "ticket with both hands.":
        "파란 모자를 쓴 친절한 차장이 불 켜진 빨간 객차 문간에 서 있다. 승강장에서는 미래가 두 손으로 표를 들어 보인다.",
    "Inside the carriage, Mirae sits by a wide window with her lantern in her lap. Outside, dark hills slide past under "
    "the moon.":
        "객차 안, 미래가 무릎에 등불을 올려놓고 넓은 창가에 앉아 있다. 창밖으로 달빛 아래 어두운 언덕들이 스쳐 지나간다.",
    "An elderly woman with curly grey hair, a green coat and a yellow scarf leans across the aisle, smiling, and offers "
    "Mirae a bright orange tangerine.":
        "곱슬곱슬한 회색 머리에 초록 외투를 입고 노란 목도리를 두른 나이 지긋한 승객이 통로 건너로 몸을 기울여, 웃으며 "
        "미래에게 잘 익은 주황빛 귤을 내민다.",
    "Mirae holds the tangerine in both hands near her chin and smiles for the first time.":
        "미래가 두 손으로 귤을 턱 밑에 받쳐 들고 처음으로 웃는다.",
    "Seen from far away, the train crosses a tall stone bridge over a valley at night. Every carriage window glows "
    "yellow, and a river shines far below.":
        "멀리서 본 밤 풍경. 기차가 골짜기 위 높은 돌다리를 건넌다. 객차 창마다 노란 불빛이 새어 나오고, 저 아래로 "
        "강물이 빛난다.",
    "Mirae sleeps sitting up by the train window, eyes closed, the lantern resting in her lap.":
        "미래가 기차 창가에 앉은 채 눈을 감고 잠들어 있다. 무릎 위에는 등불이 놓여 있다.",
    "The train rushes into a long, dark tunnel. Its rings close in toward a small circle of light far ahead.":
        "기차가 길고 어두운 터널 속으로 내달린다. 겹겹의 둥근 테두리가 저 멀리 작고 동그란 빛을 향해 좁아진다.",
    "Out of the tunnel, a huge city glitters on the horizon behind the window. Mirae, seen from behind, raises her hand "
    "toward the glass.":
        "터널을 빠져나오자 창밖 지평선 위로 거대한 도시가 반짝인다. 뒷모습의 미래가 유리창을 향해 손을 뻗는다.",
    "Mirae stands in a huge station hall with a vaulted glass roof and rows of hanging lamps, holding her lantern close. "
    "Other travellers hurry past.":
        "둥근 유리 지붕 아래 매달린 등이 줄지어 늘어선 거대한 역 대합실. 미래가 등불을 꼭 끌어안고 서 있고, 다른 "
        "여행객들은 바삐 지나간다.",
    # 3화
    "A city at night: tall buildings with hundreds of lit windows, glowing signs in pink and teal, and a dark blue sky "
    "with a small moon and a few stars.":
        "밤의 도시. 수백 개의 창에 불이 켜진 높은 건물들과 분홍빛, 청록빛으로 빛나는 간판들. 짙푸른 하늘에는 작은 달과 "
        "별 몇 개가 떠 있다.",
    "Mirae walks along a busy street lined with glowing shop windows and striped awnings, holding her unlit lantern. "
    "Other people hurry by.":
        "환한 진열창과 줄무늬 차양이 늘어선 번화한 거리를 미래가 불 꺼진 등불을 들고 걷는다. 사람들이 바삐 스쳐 지나간다.",
    "In a warm bakery full of bread on wooden shelves, a round-faced baker in a white hat and apron leans over the "
    "counter to talk to Mirae.":
        "나무 선반마다 빵이 가득한 따스한 빵집. 흰 모자를 쓰고 앞치마를 두른 얼굴이 동그란 빵집 주인이 계산대 너머로 몸을 "
        "내밀어 미래에게 말을 건넨다.",
    "A small room with a desk under a window. Outside, the city lights glitter. Mirae sits at the desk with a sheet of "
    "paper, and her lantern glows on the windowsill.":
        "창 아래 책상이 놓인 작은 방. 창밖으로 도시의 불빛이 반짝인다. 미래는 종이 한 장을 앞에 두고 책상에 앉아 있고, "
        "창턱에서는 등불이 빛난다.",
    "Close-up of Mirae's hand writing a letter in pencil on lined paper.":
        "줄 쳐진 종이에 연필로 편지를 쓰는 미래의 손을 가까이서 본 모습.",
    "Mirae leans over her desk, writing carefully with a small smile. A desk lamp glows beside her.":
        "미래가 책상에 몸을 숙이고 엷은 미소를 띤 채 정성껏 편지를 쓴다. 곁에서 책상 스탠드가 불을 밝힌다.",
    "Mirae's hand places a folded letter into a wooden box that already holds a small stack of letters.":
        "미래의 손이 접은 편지를 나무 상자에 넣는다. 상자 안에는 벌써 편지가 조금 쌓여 있다.",
    "On the bakery rooftop at night, Mirae holds up her lit lantern. The city spreads out below her and the moon hangs "
    "above.":
        "밤, 빵집 옥상에서 미래가 불 밝힌 등불을 높이 든다. 발아래로 도시가 펼쳐지고, 하늘에는 달이 걸려 있다.",
    "Far away, Grandmother's little house stands by the river under the moon. Its window is lit, and through it "
    "Grandmother can be seen looking out at the night.":
        "먼 곳, 달빛 아래 강가에 할머니의 작은 집이 서 있다. 불 켜진 창 너머로 밤을 내다보는 할머니의 모습이 보인다.",
    "Two windows far apart, each with a small warm light: Mirae's lantern in a city window at the top, and "
    "Grandmother's lit window by the river at the bottom. A band of stars arches between them.":
        "멀리 떨어진 두 창에 저마다 작고 따스한 불빛이 있다. 위쪽은 도시의 창가에 놓인 미래의 등불, 아래쪽은 강가에 있는 "
        "할머니 집의 불 켜진 창이다. 그 사이를 별 무리가 활처럼 휘어 잇는다.",
    "Morning light rises over the city. On the windowsill, the lantern still glows softly beside the wooden box of "
    "letters.":
        "도시 위로 아침 햇살이 밝아 온다. 창턱 위, 편지가 든 나무 상자 옆에서 등불이 아직도 은은하게 빛난다.",
}

# The lettering drawn into the panels: captions (해설), letters (편지), balloons and sound effects.
LINES = {
    # 1화
    "My grandmother used to say the river remembers every lantern that crosses it.":
        "할머니는 늘 말씀하셨다. 강은 저를 건너간 등불을 모두 기억한다고.",
    "Take it, Mirae. This lantern has always found the way.": "가져가렴, 미래야. 이 등불은 늘 길을 찾아 줬단다.",
    "But how will you find your way without it?": "할머니는요? 등불 없이 어떻게 다니시려고요?",
    "I know this road by heart.": "이 길은 눈 감고도 다닌단다.",
    "We left before the moon was high.": "달이 채 높이 뜨기도 전에 길을 나섰다.",
    "The path was steep, but the lantern showed me one step at a time.":
        "길은 가팔랐지만, 등불이 한 걸음씩 앞을 비춰 주었다.",
    "The flame was small. So was I.": "불꽃은 작았다. 나도 그랬다.",
    "We were both brave anyway.": "그래도 우리는 둘 다 용감했다.",
    "It's so wide...": "참 넓다…",
    "Climb in, little one. Keep your light low.": "타라, 꼬마. 불은 낮게 들고.",
    "No one spoke.": "아무도 말이 없었다.",
    "The oar dipped, and dipped, and dipped.": "노가 물을 가르고, 또 가르고, 또 갈랐다.",
    "Grandmother, can you see the same stars?": "할머니도 같은 별이 보여요?",
    "From here, the road is yours.": "여기서부턴 네 길이다.",
    "Thank you.": "고맙습니다.",
    "Across the water, one small window stayed lit until morning.":
        "강 건너 작은 창 하나는 아침까지 불이 꺼지지 않았다.",
    # 2화
    "The road ended at a tiny station at the edge of the fields.": "길은 들판 끝자락의 작은 역에서 끝났다.",
    "It came out of the hills with one bright eye.": "기차는 환한 외눈을 번쩍이며 언덕 사이로 나타났다.",
    "WHOOOO!": "뿌우우!",
    "Ticket, please. Ah... all the way to the city?": "표 좀 볼까? 어디 보자… 도시까지 가는구나?",
    "All the way.": "네, 종점까지요.",
    "I had never gone faster than my own feet.": "내 발로 가는 것보다 빨리 가 본 건 처음이었다.",
    "You look hungry, dear. Here, have a tangerine.": "아가, 배고파 보이는구나. 자, 귤 하나 먹으렴.",
    "Thank you. I'm going to the city.": "고맙습니다. 저 도시에 가는 길이에요.",
    "Then you'll need your strength.": "그럼 든든히 먹어야지.",
    "All night we crossed rivers that no one had to row across.": "밤새도록 우리는 노 젓는 이 없이도 강을 여럿 건넜다.",
    "I dreamed of the river, and of a window that stayed lit.": "강 꿈을 꾸었다. 밤새 불이 꺼지지 않던 창문 꿈도.",
    "zzz": "새근새근",
    "Then came the long dark of a tunnel...": "그러다 길고 긴 터널의 어둠이 찾아왔다…",
    "ta-dum ta-dum": "덜컹덜컹",
    "Look... it's as if the stars fell down.": "저것 봐… 별이 전부 땅으로 쏟아진 것 같아.",
    "The city station was bigger than my whole village.": "도시의 역은 우리 마을을 통째로 합친 것보다도 컸다.",
    # 3화
    "The city never turned its lights off. At first, that frightened me.": "도시는 한 번도 불을 끄지 않았다. 처음엔 그게 무서웠다.",
    "Everyone walked fast. I held my lantern, even though I didn't need it here.":
        "다들 걸음이 빨랐다. 나는 쓸 일도 없는 등불을 꼭 쥐고 걸었다.",
    "You can start tomorrow. Can you be here at five?": "내일부터 나오렴. 다섯 시에 올 수 있겠니?",
    "I'll be here at four!": "네 시에 올게요!",
    "I rented a small room above the bakery. It smelled of bread all night.":
        "빵집 위층에 작은 방을 얻었다. 밤새 고소한 빵 냄새가 났다.",
    "Dear Grandmother, I crossed the river. The ferryman was kind. On the train, a lady gave me a tangerine.":
        "할머니께. 저 무사히 강을 건넜어요. 뱃사공 할아버지는 좋은 분이셨어요. 기차에서는 어떤 할머니가 귤을 주셨어요.",
    "There are more lights here than stars at home. I am learning to bake bread. I get up at four!":
        "여기는 우리 동네 별보다 불빛이 많아요. 저는 빵 굽는 법을 배워요. 새벽 네 시면 일어나요!",
    "I can't send it. Not yet.": "부칠 수는 없었다. 아직은.",
    "So I keep every letter in this box, for the day I carry them home myself.":
        "그래서 편지는 이 상자에 모아 두었다. 언젠가 직접 전해 드릴 날을 위해.",
    "Grandmother, I'm lighting it again.": "할머니, 보세요. 등불을 다시 켰어요.",
    "Far away, beside a wide river...": "저 멀리, 너른 강가에서도…",
    "...someone else was keeping a light on, too.": "…누군가 불을 밝히고 있었다.",
    "Between us: mountains, a river, a whole night of train tracks.":
        "우리 사이에는 산과 강, 밤새도록 이어진 기찻길이 있었다.",
    "And the same sky.": "그리고 같은 하늘이.",
    "Every night I light it, so the road remembers where I am.": "나는 밤마다 등불을 켠다. 내가 있는 곳을 길이 기억하도록.",
}


def merged(*tables: dict[str, str]) -> dict[str, str]:
    """Return one table of all the tables; an English text given two different Korean texts is an error."""
    table: dict[str, str] = {}
    for part in tables:
        for english, korean in part.items():
            if table.setdefault(english, korean) != korean:
                raise ValueError(f"two Korean texts for {english!r}: {table[english]!r} and {korean!r}")
    return table


KOREAN: dict[str, str] = merged(SERIES, NAMES, EPISODES, ALT_TEXTS, LINES)


def korean(english: str) -> str:
    """Return the Korean for a text of the English script; KeyError names the text if it has none."""
    try:
        return KOREAN[english]
    except KeyError:
        raise KeyError(f"no Korean in comics/demo/script_ko.py for {english!r}") from None


def lettering_in_korean(item: Lettering) -> Lettering:
    """Return one caption, balloon, sound effect or title with its words (and speaker, kicker) in Korean."""
    if isinstance(item, Speech):
        return dataclasses.replace(item, speaker=korean(item.speaker), text=korean(item.text))
    if isinstance(item, Title):
        return dataclasses.replace(item, text=korean(item.text), kicker=korean(item.kicker) if item.kicker else "")
    if isinstance(item, Caption | Sfx):
        return dataclasses.replace(item, text=korean(item.text))
    raise TypeError(f"unknown lettering {item!r}")


def panel_in_korean(panel: PanelScript) -> PanelScript:
    """Return the panel with its alt text and lettering in Korean; the scene and the places are the same."""
    return dataclasses.replace(panel, alt=korean(panel.alt), letters=tuple(map(lettering_in_korean, panel.letters)))


def in_korean(script: EpisodeScript) -> EpisodeScript:
    """Return the episode's script in Korean: its title, author's note and every panel."""
    return dataclasses.replace(
        script,
        title=korean(script.title),
        author_note=korean(script.author_note),
        panels=tuple(map(panel_in_korean, script.panels)),
    )


def series_in_korean(series: DemoSeries = DEMO_SERIES, scripts: Iterable[EpisodeScript] = EPISODE_SCRIPTS) -> DemoSeries:
    """Return the series ready to load in Korean: its words, its artist's, and each episode with Korean transcripts.

    The slugs stay the same: it is the same series and the same artist in another language.
    """
    return dataclasses.replace(
        series,
        title=korean(series.title),
        summary=korean(series.summary),
        content_warning=korean(series.content_warning) if series.content_warning else series.content_warning,
        language=LANGUAGE,
        artist_name=korean(series.artist_name),
        artist_bio_markdown=korean(series.artist_bio_markdown),
        episodes=[
            DemoEpisode(e.number, e.title, e.author_note, [(p.alt, p.transcript_in(LANGUAGE)) for p in e.panels])
            for e in map(in_korean, scripts)
        ],
    )
