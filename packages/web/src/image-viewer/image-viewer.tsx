/**
 * The image viewer: series thumbnails, a stack to scroll (wheel, keys, slider
 * for touch), window/level with the CT presets, zoom, pan, invert, rotate,
 * length and angle, cine, and a second study beside the first for comparison.
 * Cornerstone3D draws and decodes (every stored transfer syntax, in web
 * workers); the server answers only what the user may see, and audits it.
 */
import { Alert, Button, Card, Group, Loader, ScrollArea, SegmentedControl, Select, Slider, Stack, Text, UnstyledButton } from '@mantine/core';
import type { StackViewport } from '@cornerstonejs/core';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText } from '../refusal-text.js';
import { loadStudySeries } from './study-images.js';
import { CT_PRESETS, stepForKey, voiRange, windowOf, type ViewerSeries } from './viewer-logic.js';

type Cornerstone = typeof import('./cornerstone.js');
type ToolKey = 'windowLevel' | 'pan' | 'zoom' | 'length' | 'angle' | 'rotate';

const ENGINE_ID = 'renkei-images';
const TOOL_GROUP_ID = 'renkei-images-tools';

/** The image now on a pane, for the key-image mark. */
export interface ShownImage {
  study: string;
  series: string;
  sopInstanceUid: string;
  frame: number;
}

interface Shared {
  cs: Cornerstone;
  engine: InstanceType<Cornerstone['core']['RenderingEngine']>;
}

function useCornerstone() {
  return useQuery({
    queryKey: ['cornerstone'],
    queryFn: async () => {
      const cs = await import('./cornerstone.js');
      await cs.startCornerstone();
      return cs;
    },
    staleTime: Infinity,
    gcTime: Infinity,
  });
}

export function ImageViewer({ studies, compare, onCompare, onShown, toolbarExtra }: {
  studies: string[];
  compare: string | null;
  onCompare: (study: string | null) => void;
  onShown?: (image: ShownImage | null) => void;
  toolbarExtra?: React.ReactNode;
}) {
  const { t } = useTranslation();
  const loaded = useCornerstone();
  const [shared, setShared] = useState<Shared | null>(null);
  const [tool, setTool] = useState<ToolKey>('windowLevel');
  const [activePane, setActivePane] = useState(0);
  const [cine, setCine] = useState(false);
  const [rotation, setRotation] = useState(0);
  const [inverted, setInverted] = useState(false);
  const shownRef = useRef<(ShownImage | null)[]>([null, null]);

  // One rendering engine and one tool group for the page's panes.
  useEffect(() => {
    const cs = loaded.data;
    if (!cs) return;
    const engine = new cs.core.RenderingEngine(ENGINE_ID);
    const group = cs.tools.ToolGroupManager.createToolGroup(TOOL_GROUP_ID)!;
    for (const tool of [cs.tools.WindowLevelTool, cs.tools.PanTool, cs.tools.ZoomTool, cs.tools.StackScrollTool, cs.tools.LengthTool, cs.tools.AngleTool, cs.tools.PlanarRotateTool]) {
      group.addTool(tool.toolName);
    }
    const { MouseBindings } = cs.tools.Enums;
    group.setToolActive(cs.tools.PanTool.toolName, { bindings: [{ mouseButton: MouseBindings.Auxiliary }, { numTouchPoints: 2 }] });
    group.setToolActive(cs.tools.ZoomTool.toolName, { bindings: [{ mouseButton: MouseBindings.Secondary }] });
    group.setToolActive(cs.tools.StackScrollTool.toolName, { bindings: [{ mouseButton: MouseBindings.Wheel }, { numTouchPoints: 3 }] });
    setShared({ cs, engine });
    return () => {
      setShared(null);
      // After the panes have let go of their viewports (their clean-ups run after this one).
      setTimeout(() => {
        cs.tools.ToolGroupManager.destroyToolGroup(TOOL_GROUP_ID);
        engine.destroy();
      });
    };
  }, [loaded.data]);

  // The chosen tool takes the primary button (and one finger); the one before goes passive, its marks kept.
  useEffect(() => {
    if (!shared) return;
    const { cs } = shared;
    const group = cs.tools.ToolGroupManager.getToolGroup(TOOL_GROUP_ID)!;
    const names: Record<ToolKey, string> = {
      windowLevel: cs.tools.WindowLevelTool.toolName,
      pan: cs.tools.PanTool.toolName,
      zoom: cs.tools.ZoomTool.toolName,
      length: cs.tools.LengthTool.toolName,
      angle: cs.tools.AngleTool.toolName,
      rotate: cs.tools.PlanarRotateTool.toolName,
    };
    const primary = group.getActivePrimaryMouseButtonTool();
    if (primary && primary !== names[tool]) {
      if (primary === names.pan || primary === names.zoom) {
        group.setToolActive(primary, { bindings: [primary === names.pan ? { mouseButton: cs.tools.Enums.MouseBindings.Auxiliary } : { mouseButton: cs.tools.Enums.MouseBindings.Secondary }] });
      } else {
        group.setToolPassive(primary);
      }
    }
    const bindings = [{ mouseButton: cs.tools.Enums.MouseBindings.Primary }];
    if (tool === 'pan') bindings.push({ mouseButton: cs.tools.Enums.MouseBindings.Auxiliary });
    if (tool === 'zoom') bindings.push({ mouseButton: cs.tools.Enums.MouseBindings.Secondary });
    group.setToolActive(names[tool], { bindings });
  }, [shared, tool]);

  const viewportIds = compare ? ['pane-0', 'pane-1'] : ['pane-0'];
  const activeViewport = (): StackViewport | undefined => shared?.engine.getViewport(viewportIds[Math.min(activePane, viewportIds.length - 1)]!) as StackViewport | undefined;

  const applyPreset = (width: number, center: number) => {
    const viewport = activeViewport();
    if (!viewport) return;
    viewport.setProperties({ voiRange: voiRange(width, center) });
    viewport.render();
  };
  const toggleInvert = () => {
    const viewport = activeViewport();
    if (!viewport) return;
    const next = !viewport.getProperties().invert;
    viewport.setProperties({ invert: next });
    viewport.render();
    setInverted(next);
  };
  const rotateRight = () => {
    const viewport = activeViewport();
    if (!viewport) return;
    const next = ((viewport.getViewPresentation().rotation ?? 0) + 90) % 360;
    viewport.setViewPresentation({ rotation: next });
    viewport.render();
    setRotation(next);
  };
  const reset = () => {
    const viewport = activeViewport();
    if (!viewport) return;
    viewport.resetCamera();
    viewport.resetProperties();
    viewport.render();
    setRotation(0);
    setInverted(false);
  };
  const toggleCine = () => {
    const viewport = activeViewport();
    if (!viewport || !shared) return;
    if (cine) shared.cs.tools.utilities.cine.stopClip(viewport.element);
    else shared.cs.tools.utilities.cine.playClip(viewport.element, { framesPerSecond: 10, loop: true });
    setCine(!cine);
  };

  if (loaded.isError) return <Alert color="red" data-testid="viewer-error">{t('imageViewer.failed')}: {errorText(loaded.error)}</Alert>;
  if (!shared) {
    return (
      <Group>
        <Loader size="sm" />
        <Text>{t('imageViewer.loading')}</Text>
      </Group>
    );
  }
  const others = studies.filter((s) => s !== studies[0]);
  return (
    <Stack gap="xs" data-testid="image-viewer" data-rotation={rotation} data-inverted={inverted}>
      <Group gap="xs" className="no-print" data-testid="viewer-toolbar">
        <SegmentedControl
          size="xs"
          value={tool}
          onChange={(value) => setTool(value as ToolKey)}
          data={(['windowLevel', 'pan', 'zoom', 'length', 'angle', 'rotate'] as const).map((key) => ({ value: key, label: t(`imageViewer.tools.${key}`) }))}
          data-testid="viewer-tools"
        />
        <Group gap={4}>
          <Text size="xs">{t('imageViewer.presets.title')}</Text>
          {CT_PRESETS.map((preset) => (
            <Button key={preset.key} size="compact-xs" variant="light" onClick={() => applyPreset(preset.width, preset.center)} data-testid={`preset-${preset.key}`}>
              {t(`imageViewer.presets.${preset.key}`)}
            </Button>
          ))}
        </Group>
        <Button size="compact-xs" variant="default" onClick={toggleInvert} data-testid="viewer-invert">{t('imageViewer.invert')}</Button>
        <Button size="compact-xs" variant="default" onClick={rotateRight} data-testid="viewer-rotate">{t('imageViewer.rotateRight')}</Button>
        <Button size="compact-xs" variant="default" onClick={toggleCine} data-testid="viewer-cine">{cine ? t('imageViewer.cineStop') : t('imageViewer.cinePlay')}</Button>
        <Button size="compact-xs" variant="default" onClick={reset} data-testid="viewer-reset">{t('imageViewer.reset')}</Button>
        {others.length > 0 && (
          <Select
            size="xs"
            w={260}
            aria-label={t('imageViewer.compareWith')}
            placeholder={t('imageViewer.compareWith')}
            value={compare}
            onChange={(value) => onCompare(value)}
            data={[{ value: '', label: t('imageViewer.compareNone') }, ...others.map((s) => ({ value: s, label: s }))]}
            data-testid="viewer-compare"
          />
        )}
        {toolbarExtra}
      </Group>
      <Text size="xs" c="dimmed">{t('imageViewer.help')}</Text>
      <Group align="stretch" gap="xs" wrap="nowrap" style={{ minHeight: 0 }}>
        {viewportIds.map((viewportId, index) => (
          <StudyPane
            key={viewportId}
            shared={shared}
            viewportId={viewportId}
            study={index === 0 ? studies[0]! : compare!}
            active={activePane === index}
            onActivate={() => {
              setActivePane(index);
              onShown?.(shownRef.current[index] ?? null);
            }}
            onShown={(image) => {
              shownRef.current[index] = image;
              if (index === Math.min(activePane, viewportIds.length - 1)) onShown?.(image);
            }}
          />
        ))}
      </Group>
    </Stack>
  );
}

function StudyPane({ shared, viewportId, study, active, onActivate, onShown }: {
  shared: Shared;
  viewportId: string;
  study: string;
  active: boolean;
  onActivate: () => void;
  onShown: (image: ShownImage | null) => void;
}) {
  const { t } = useTranslation();
  const { cs, engine } = shared;
  const element = useRef<HTMLDivElement>(null);
  const series = useQuery({ queryKey: ['viewer-series', study], queryFn: () => loadStudySeries(study) });
  const [chosen, setChosen] = useState(0);
  const [index, setIndex] = useState(0);
  const [window, setWindow] = useState<{ width: number; center: number } | null>(null);
  const [rendered, setRendered] = useState(0);
  const [shownImageId, setShownImageId] = useState('');
  const [failed, setFailed] = useState<string | null>(null);
  const [loadedCount, setLoadedCount] = useState(0);
  const list = series.data ?? [];
  const current: ViewerSeries | undefined = list[Math.min(chosen, Math.max(0, list.length - 1))];
  const images = useMemo(() => current?.images ?? [], [current]);

  // The pane's element becomes a stack viewport of the page's engine, with the page's tools.
  useEffect(() => {
    const div = element.current!;
    engine.enableElement({ viewportId, type: cs.core.Enums.ViewportType.STACK, element: div, defaultOptions: { background: [0, 0, 0] } });
    const group = cs.tools.ToolGroupManager.getToolGroup(TOOL_GROUP_ID)!;
    group.addViewport(viewportId, engine.id);
    const onNewImage = (event: Event) => setIndex((event as CustomEvent<{ imageIdIndex: number }>).detail.imageIdIndex);
    const onRendered = () => {
      const viewport = engine.getViewport(viewportId) as StackViewport | undefined;
      const range = viewport?.getProperties().voiRange;
      if (range) setWindow(windowOf(range));
      setShownImageId(viewport?.getCurrentImageId() ?? '');
      setRendered((n) => n + 1);
    };
    // A frame that cannot be fetched or decoded is said so, rather than the image before left standing.
    const onFailed = (event: Event) => {
      const { imageId } = (event as CustomEvent<{ imageId: string }>).detail;
      const viewport = engine.getViewport(viewportId) as StackViewport | undefined;
      if (viewport?.getImageIds().includes(imageId)) setFailed(imageId);
    };
    cs.core.eventTarget.addEventListener(cs.core.Enums.Events.IMAGE_LOAD_FAILED, onFailed);
    // How much of the stack is in memory (fetched behind the image on screen), for the progress shown.
    const onLoaded = (event: Event) => {
      const { image } = (event as CustomEvent<{ image: { imageId: string } }>).detail;
      const viewport = engine.getViewport(viewportId) as StackViewport | undefined;
      if (viewport?.getImageIds().includes(image.imageId)) setLoadedCount((n) => n + 1);
    };
    cs.core.eventTarget.addEventListener(cs.core.Enums.Events.IMAGE_LOADED, onLoaded);
    div.addEventListener(cs.core.Enums.Events.STACK_NEW_IMAGE, onNewImage);
    div.addEventListener(cs.core.Enums.Events.IMAGE_RENDERED, onRendered);
    return () => {
      cs.core.eventTarget.removeEventListener(cs.core.Enums.Events.IMAGE_LOAD_FAILED, onFailed);
      cs.core.eventTarget.removeEventListener(cs.core.Enums.Events.IMAGE_LOADED, onLoaded);
      div.removeEventListener(cs.core.Enums.Events.STACK_NEW_IMAGE, onNewImage);
      div.removeEventListener(cs.core.Enums.Events.IMAGE_RENDERED, onRendered);
      cs.tools.utilities.cine.stopClip(div);
      cs.tools.utilities.stackPrefetch.disable(div);
      group.removeViewports(engine.id, viewportId);
      engine.disableElement(viewportId);
    };
  }, [cs, engine, viewportId]);

  // A series chosen: its images as the stack, the first on screen at once, the rest fetched behind it.
  useEffect(() => {
    if (images.length === 0) return;
    const viewport = engine.getViewport(viewportId) as StackViewport;
    for (const image of images) cs.dicomImageLoader.wadors.metaDataManager.add(image.imageId, image.metadata as never);
    let stale = false;
    setIndex(0);
    setFailed(null);
    // Images of the stack already in memory (a series shown before) count as loaded.
    setLoadedCount(images.filter((image) => cs.core.cache.isLoaded(image.imageId)).length);
    void viewport.setStack(images.map((image) => image.imageId), 0).then(() => {
      if (stale) return;
      viewport.render();
      cs.tools.utilities.stackPrefetch.enable(viewport.element);
    });
    return () => {
      stale = true;
    };
  }, [cs, engine, viewportId, images]);

  const shown = images[index];
  useEffect(() => {
    onShown(shown && current ? { study, series: current.uid, sopInstanceUid: shown.sopInstanceUid, frame: shown.frame } : null);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [shown, current, study]);

  const viewport = () => engine.getViewport(viewportId) as StackViewport | undefined;
  const go = (next: number) => {
    const stack = viewport();
    if (stack && next !== stack.getTargetImageIdIndex()) void stack.setImageIdIndex(next);
  };

  return (
    <Card withBorder p={4} style={{ flex: 1, minWidth: 0, borderColor: active ? 'var(--mantine-color-blue-6)' : undefined }} onMouseDown={onActivate} onTouchStart={onActivate} data-testid={`viewer-pane-${viewportId}`}>
      <Group align="stretch" gap={4} wrap="nowrap">
        <ScrollArea h={560} w={112} type="auto" data-testid="viewer-series">
          <Stack gap={4}>
            {series.isPending && <Loader size="xs" />}
            {series.isError && <Text c="red" size="xs" data-testid="viewer-series-error">{errorText(series.error)}</Text>}
            {series.isSuccess && list.length === 0 && <Text size="xs" data-testid="viewer-no-series">{t('imageViewer.noSeries')}</Text>}
            {list.map((s, i) => (
              <UnstyledButton key={s.uid} onClick={() => setChosen(i)} data-testid="viewer-series-item" data-selected={i === chosen} aria-label={`${t('imageViewer.series')} ${s.number} ${s.description}`}>
                <Card p={2} withBorder style={{ borderColor: i === chosen ? 'var(--mantine-color-blue-6)' : undefined }}>
                  <img src={`/dicomweb/studies/${encodeURIComponent(study)}/series/${encodeURIComponent(s.uid)}/thumbnail?viewport=96,96`} alt="" width={96} height={96} style={{ objectFit: 'contain', background: '#000' }} loading="lazy" />
                  <Text size="xs" lineClamp={2}>
                    {s.number} {s.modality} {s.description}
                  </Text>
                  <Text size="xs" c="dimmed">{s.images.length}</Text>
                </Card>
              </UnstyledButton>
            ))}
          </Stack>
        </ScrollArea>
        <Stack gap={4} style={{ flex: 1, minWidth: 0 }}>
          <div
            ref={element}
            tabIndex={0}
            role="img"
            aria-label={current ? `${current.number} ${current.description}` : t('imageViewer.title')}
            onKeyDown={(event) => {
              // From the image asked for last, so that quick presses are not lost while one loads.
              const next = stepForKey(event.key, viewport()?.getTargetImageIdIndex() ?? index, images.length);
              if (next === undefined) return;
              event.preventDefault();
              go(next);
            }}
            onContextMenu={(event) => event.preventDefault()}
            style={{ width: '100%', height: 520, background: '#000', touchAction: 'none', outline: 'none' }}
            data-testid="viewer-viewport"
            data-rendered={rendered}
            data-index={index}
            data-image-id={shownImageId}
            data-loaded={Math.min(loadedCount, images.length)}
          />
          {failed && (
            <Text size="xs" c="red" data-testid="viewer-image-error">
              {t('imageViewer.imageFailed')}
            </Text>
          )}
          {/* The slider has a row of its own, so that it keeps its width while the texts below come and go. */}
          <Slider
            min={1}
            max={Math.max(1, images.length)}
            value={index + 1}
            onChange={(value) => go(value - 1)}
            label={null}
            disabled={images.length < 2}
            aria-label={t('imageViewer.image', { index: index + 1, count: images.length })}
            data-testid="viewer-slider"
          />
          <Group gap="xs" wrap="nowrap">
            <Text size="xs" ff="monospace" data-testid="viewer-position" style={{ whiteSpace: 'nowrap' }}>
              {t('imageViewer.image', { index: images.length === 0 ? 0 : index + 1, count: images.length })}
            </Text>
            {images.length > 1 && loadedCount < images.length && (
              <Text size="xs" c="dimmed" data-testid="viewer-loading" style={{ whiteSpace: 'nowrap' }}>
                {t('imageViewer.loadedOf', { loaded: loadedCount, count: images.length })}
              </Text>
            )}
            {window && (
              <Text size="xs" ff="monospace" data-testid="viewer-window" style={{ whiteSpace: 'nowrap', marginLeft: 'auto' }}>
                {t('imageViewer.window', window)}
              </Text>
            )}
          </Group>
        </Stack>
      </Group>
    </Card>
  );
}
